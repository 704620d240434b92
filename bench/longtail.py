#!/usr/bin/env python3
"""Long-tail searches for bench/load.sh, drawn from the notices' own vocabulary.

Usage: longtail.py DATABASE_URL OPERATIONS_DIR OUT_DIR [PER_CLASS]

Reads a random sample of the search documents (`vacancy_search`) and of the French texts
(`vacancy_text`, `vacancy_item`), then writes, for each class, PER_CLASS distinct searches:

  common       one word found in many notices ("programme")
  rare         one word found in very few notices (a city, a reference number)
  two_words    two consecutive words of a title ("finance assistant")
  three_words  three consecutive words of a title or a text line
  prefix       one or two words, the last one cut short ("coordin", "labour mark")
  accented     French words as written with accents ("réintégration"), alone, with the next
               word or with a word of a title, and the same searches without their accents
               ("reintegration"), half each

OUT_DIR/longtail/CLASS.jsonl holds one GraphQL request a line (search.graphql, openOnly), and
OUT_DIR/longtail.tsv every search as `class<TAB>n<TAB>search<TAB>tsquery`, where tsquery is the
search folded as the server folds it (api/src/domain/search_text.rs) with the last word a
prefix: the input of the SQL floor (bench/floor/search.sql).
"""
import json
import os
import random
import subprocess
import sys
import unicodedata
from collections import Counter

CLASSES = ["common", "rare", "two_words", "three_words", "prefix", "accented"]
SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o",
           "đ": "d", "Đ": "d", "ł": "l", "Ł": "l"}


def words(text):
    """The folded words of text, as api/src/domain/search_text.rs computes them."""
    out = []
    for c in unicodedata.normalize("NFKD", text):
        if unicodedata.combining(c):
            continue
        if c in SPECIAL:
            out.append(SPECIAL[c])
        elif c.isalnum():
            out.append(c.lower())
        else:
            out.append(" ")
    return "".join(out).split()


def raw_words(text):
    """Words as written (accents kept), split where the folded text splits."""
    return "".join(c if c.isalnum() else " " for c in text).split()


def tsquery(search):
    folded = words(search)
    return " & ".join(f"'{w}'" for w in folded[:-1]) + (" & " if len(folded) > 1 else "") + \
        f"'{folded[-1]}':*"


def psql(url, sql):
    out = subprocess.run(["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                          "-c", sql], check=True, capture_output=True, text=True).stdout
    return [line for line in out.split("\n") if line]


def distinct(candidates, n, seen):
    """Up to n candidates, in order, skipping searches already taken (folded)."""
    taken = []
    for c in candidates:
        key = " ".join(words(c))
        if key and key not in seen and len(words(c)) <= 12:
            seen.add(key)
            taken.append(c)
            if len(taken) == n:
                break
    return taken


def main():
    url, ops, out = sys.argv[1:4]
    per_class = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    rng = random.Random(17)
    docs = psql(url, "SELECT document FROM vacancy_search ORDER BY random() LIMIT 3000")
    titles = psql(url, "SELECT title FROM vacancy_text ORDER BY random() LIMIT 5000")
    french = psql(url, "SELECT title FROM vacancy_text WHERE language = 'fr' ORDER BY random() "
                       "LIMIT 3000") + \
        psql(url, "SELECT text FROM vacancy_item WHERE language = 'fr' ORDER BY random() "
                  "LIMIT 3000")
    df = Counter()
    for d in docs:
        df.update(set(d.split()))
    by_df = [w for w, _ in df.most_common() if len(w) >= 3 and not w.isdigit()]
    common = [w for w in by_df if df[w] >= max(2, len(docs) // 50)]
    rare = [w for w, n in sorted(df.items(), key=lambda x: (x[1], x[0]))
            if n <= max(1, len(docs) // 500) and len(w) >= 3]
    rng.shuffle(rare)
    # Words of two letters or more: a lone letter is what folding leaves of "Chargé·e".
    title_words = [[w for w in words(t) if len(w) > 1] for t in titles]
    line_words = [[w for w in words(t) if len(w) > 1] for t in titles + french]
    pairs = [" ".join(w[i:i + 2]) for w in title_words for i in range(len(w) - 1)]
    triples = [" ".join(w[i:i + 3]) for w in line_words for i in range(len(w) - 2)]
    rng.shuffle(pairs)
    rng.shuffle(triples)
    # Prefixes: a word (alone or after another) cut to 3 letters or more, short of its end.
    prefixes = []
    for w in line_words:
        for i, word in enumerate(w):
            if len(word) >= 5:
                cut = word[:rng.randint(3, len(word) - 1)]
                prefixes.append(cut if i == 0 or rng.random() < 0.5 else f"{w[i - 1]} {cut}")
    rng.shuffle(prefixes)
    # Accented: French words with an accent, alone or with the next word, as written.
    accented = []
    for line in french:
        raw = raw_words(line)
        for i, word in enumerate(raw):
            if "œ" in word or any(unicodedata.combining(c)
                                  for c in unicodedata.normalize("NFKD", word)):
                accented.append(word if rng.random() < 0.4 or i + 1 == len(raw)
                                else f"{word} {raw[i + 1]}")
    # The synthetic notices have few accented words: pair them with other words of the titles.
    vocabulary = sorted({w for line in title_words for w in line})
    accented += [f"{a} {rng.choice(vocabulary)}" for a in list(accented)]
    rng.shuffle(accented)
    # Each accented search is kept once as written and once folded, counted as two searches.
    folded_pairs = []
    seen_acc = set()
    for a in accented:
        folded = " ".join(words(a))
        if folded not in seen_acc:
            seen_acc.add(folded)
            plain = "".join(c for c in unicodedata.normalize("NFKD", a)
                            if not unicodedata.combining(c))
            folded_pairs += [a, plain.replace("œ", "oe").replace("Œ", "Oe")]
    seen = set()
    chosen = {
        "common": distinct(common, per_class, seen),
        "rare": distinct(rare, per_class, seen),
        "two_words": distinct(pairs, per_class, seen),
        "three_words": distinct(triples, per_class, seen),
        "prefix": distinct(prefixes, per_class, seen),
        # Folded and accented forms fold to the same words: not deduplicated across the two.
        "accented": folded_pairs[:per_class],
    }
    query = open(f"{ops}/search.graphql").read()
    os.makedirs(f"{out}/longtail", exist_ok=True)
    with open(f"{out}/longtail.tsv", "w") as tsv:
        for cls in CLASSES:
            with open(f"{out}/longtail/{cls}.jsonl", "w") as bodies:
                for n, search in enumerate(chosen[cls], 1):
                    bodies.write(json.dumps({"query": query, "variables": {
                        "filter": {"openOnly": True, "search": search}}},
                        separators=(",", ":"), ensure_ascii=False) + "\n")
                    tsv.write(f"{cls}\t{n}\t{search}\t{tsquery(search)}\n")
    counts = {cls: len(chosen[cls]) for cls in CLASSES}
    print(f"long-tail searches: {sum(counts.values())} "
          + " ".join(f"{c}={n}" for c, n in counts.items()), file=sys.stderr)


if __name__ == "__main__":
    main()
