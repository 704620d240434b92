"""Mixed load on replicas behind a balancer, then the checks of bench/replicas.sh.

Reads its setting from the environment (bench/replicas.sh sets them). Threads: anonymous
readers (lists and searches), recruiters (create and publish), candidates (apply with a CV),
WebSocket subscribers on every replica directly, and a webhook receiver. Exits 1 on any
loss, duplicate, bad signature or 5xx.
"""

import base64
import hashlib
import hmac
import http.server
import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect as ws_connect

BALANCER = os.environ["BALANCER"]  # http://127.0.0.1:PORT
REPLICAS = os.environ["REPLICAS"].split()  # http://127.0.0.1:PORT …
DATABASE_URL = os.environ["DATABASE_URL"]
DURATION = float(os.environ.get("DURATION", "20"))
READERS = int(os.environ.get("READERS", "4"))
RECRUITERS = int(os.environ.get("RECRUITERS", "2"))
CANDIDATES = os.environ["CANDIDATE_TOKENS"].split()
RECRUITER = os.environ["RECRUITER_TOKEN"]
ADMIN = os.environ["ADMIN_TOKEN"]
ORGANISATION = os.environ["ORGANISATION_ID"]
SUBSCRIBERS = int(os.environ.get("SUBSCRIBERS_PER_REPLICA", "2"))
WEBHOOK_PORT = int(os.environ["WEBHOOK_PORT"])
OPS = os.environ["OPERATIONS"]
RUN = os.environ.get("RUN_ID", str(int(time.time())))
SETTLE = float(os.environ.get("SETTLE_SECONDS", "20"))
# Faults, FAULT_AFTER seconds into the load: `kill` (SIGKILL to replica FAULT_PID), `term`
# (SIGTERM to it: it drains and stops), `pg-restart` (runs PG_RESTART, a command).
FAULT = os.environ.get("FAULT", "none")
FAULT_PID = int(os.environ.get("FAULT_PID", "0"))
FAULT_AFTER = float(os.environ.get("FAULT_AFTER", "0"))
PG_RESTART = os.environ.get("PG_RESTART", "")

lock = threading.Lock()
latencies = []  # seconds, every request
answered = []  # HTTP status of every request, in order
statuses = {}  # HTTP status -> count
errors = []  # what went wrong, for the report
unavailable = []  # requests answered 503 DATABASE_UNAVAILABLE
created = {}  # reference -> vacancy global id (acknowledged creates)
published = {}  # vacancy global id -> reference (acknowledged publishes)
applied = {}  # application global id -> (candidate, vacancy)
pairs = set()  # (candidate index, vacancy) applied or tried
received = {}  # subscriber name -> set of vacancy ids
webhooks = {}  # webhook-id -> count
webhook_vacancies = {}  # vacancy id -> deliveries
bad_signatures = []
closings = {}  # subscriber name -> how its connection ended early
secret = None
stop = threading.Event()


def graphql(query, variables=None, token=None, base=BALANCER, files=None):
    """POSTs an operation; returns (status, json or None). Never raises on HTTP errors."""
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if files is None:
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        headers["Content-Type"] = "application/json"
    else:
        boundary = "----jobboard-replicas"
        operations = json.dumps({"query": query, "variables": variables})
        mapping = json.dumps({str(i): [path] for i, (path, _, _) in enumerate(files)})
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{operations}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{mapping}\r\n'.encode(),
        ]
        for i, (_, name, content) in enumerate(files):
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{i}"; filename="{name}"\r\n'
                f"Content-Type: application/pdf\r\n\r\n".encode() + content + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        body = b"".join(parts)
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        headers["GraphQL-Require-Preflight"] = "1"
    request = urllib.request.Request(f"{base}/graphql", data=body, headers=headers)
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, payload = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, payload = error.code, error.read()
    except OSError as error:
        status, payload = 0, str(error).encode()
    elapsed = time.monotonic() - started
    with lock:
        latencies.append(elapsed)
        answered.append(status)
        statuses[status] = statuses.get(status, 0) + 1
    try:
        return status, json.loads(payload)
    except ValueError:
        return status, None


def ok(status, body, what):
    if status == 200 and body and not body.get("errors"):
        return True
    codes = {e.get("extensions", {}).get("code") for e in (body or {}).get("errors", [])} if isinstance(body, dict) else set()
    with lock:
        # The whole request (503) or a field of it (200 with partial data) found the database
        # unreachable: a clean failure, expected while it restarts.
        if status in (200, 503) and codes == {"DATABASE_UNAVAILABLE"}:
            unavailable.append((what, status))
        else:
            errors.append(f"{what}: HTTP {status} {json.dumps(body)[:300] if body else ''}")
    return False


def op(name):
    return open(os.path.join(OPS, f"{name}.graphql")).read()


def reader():
    queries = [(op("list"), {"filter": {"openOnly": True}}),
               (op("search"), {"filter": {"openOnly": True, "search": "migration"}}),
               (op("search"), {"filter": {"openOnly": True, "search": "programme officer"}})]
    while not stop.is_set():
        query, variables = random.choice(queries)
        status, body = graphql(query, variables)
        ok(status, body, "read")


CREATE = op("create")
PUBLISH = "mutation Publish($id: ID!, $version: Int!) { publishVacancy(id: $id, version: $version) { id reference status } }"
APPLY = op("apply")


def recruiter(index):
    template = json.load(open(os.path.join(OPS, "create.variables.json")))
    n = 0
    while not stop.is_set():
        n += 1
        reference = f"RPL/{RUN}/{index}/{n}"
        variables = json.loads(json.dumps(template))
        variables["input"]["reference"] = reference
        status, body = graphql(CREATE, variables, RECRUITER)
        if not ok(status, body, "create"):
            continue
        vacancy = body["data"]["createVacancy"]
        with lock:
            created[reference] = vacancy["id"]
        status, body = graphql(PUBLISH, {"id": vacancy["id"], "version": vacancy["version"]}, RECRUITER)
        if ok(status, body, "publish"):
            with lock:
                published[vacancy["id"]] = reference


CV = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n".ljust(8 * 1024, b" ") + b"\n%%EOF\n"


def candidate(index):
    template = json.load(open(os.path.join(OPS, "apply.variables.json")))
    token = CANDIDATES[index]
    while not stop.is_set():
        with lock:
            open_ = [v for v in published if (index, v) not in pairs]
            vacancy = random.choice(open_) if open_ else None
            if vacancy:
                pairs.add((index, vacancy))
        if vacancy is None:
            time.sleep(0.05)
            continue
        variables = json.loads(json.dumps(template))
        variables["input"]["vacancyId"] = vacancy
        status, body = graphql(APPLY, variables, token, files=[("variables.documents.0.file", "cv.pdf", CV)])
        if ok(status, body, "apply"):
            with lock:
                applied[body["data"]["applyToVacancy"]["id"]] = (index, vacancy)


def subscriber(name, base):
    url = base.replace("http://", "ws://") + "/graphql/ws"
    seen = received.setdefault(name, set())
    with ws_connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10) as ws:
        ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = json.loads(ws.recv(timeout=10))
        assert ack["type"] == "connection_ack", ack
        ws.send(json.dumps({"type": "subscribe", "id": "1", "payload": {
            "query": "subscription { vacancyPublished { id reference } }"}}))
        ready.release()
        while not done.is_set():
            try:
                message = json.loads(ws.recv(timeout=0.5))
            except TimeoutError:
                continue
            except ConnectionClosed as closed:
                with lock:
                    how = f"close code {closed.rcvd.code}" if closed.rcvd else "no close frame"
                    closings[name] = f"{closings.get(name, '')} {how}".strip()
                return
            if message.get("type") == "next":
                vacancy = message["payload"]["data"]["vacancyPublished"]
                with lock:
                    seen.add(vacancy["id"])
            elif message.get("type") == "complete":
                with lock:
                    closings[name] = "complete"
            elif message.get("type") == "error":
                with lock:
                    errors.append(f"subscriber {name}: {message}")
                return


class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        timestamp = self.headers.get("webhook-timestamp", "")
        expected = "v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        good = hmac.compare_digest(expected, self.headers.get("webhook-signature", ""))
        event = json.loads(body)
        with lock:
            if not good:
                bad_signatures.append(self.headers.get("webhook-id"))
            webhooks[self.headers.get("webhook-id")] = webhooks.get(self.headers.get("webhook-id"), 0) + 1
            vacancy = event["data"]["vacancy"]["id"]
            webhook_vacancies[vacancy] = webhook_vacancies.get(vacancy, 0) + 1
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def psql(sql):
    out = subprocess.run(["psql", DATABASE_URL, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if line]


def local_id(global_id):
    raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return int(raw.split(":", 1)[1])


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


restarted_at = None  # how many requests had been made when PostgreSQL restarted
ready = threading.Semaphore(0)
done = threading.Event()


def main():
    global secret
    server = http.server.ThreadingHTTPServer(("127.0.0.1", WEBHOOK_PORT), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    status, body = graphql(
        "mutation Hook($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret } }",
        {"input": {"organisationId": ORGANISATION, "url": f"http://127.0.0.1:{WEBHOOK_PORT}/hook",
                   "events": ["VACANCY_PUBLISHED"]}}, ADMIN)
    if not ok(status, body, "create webhook"):
        print("\n".join(errors), file=sys.stderr)
        return 1
    secret = body["data"]["createWebhookEndpoint"]["secret"]

    subscribers = []
    for r, base in enumerate(REPLICAS):
        for s in range(SUBSCRIBERS):
            t = threading.Thread(target=subscriber, args=(f"replica{r + 1}/{s + 1}", base), daemon=True)
            t.start()
            subscribers.append(t)
    for _ in subscribers:
        if not ready.acquire(timeout=15):
            print("a subscriber did not start", file=sys.stderr)
            return 1
    time.sleep(0.5)

    workers = [threading.Thread(target=reader, daemon=True) for _ in range(READERS)]
    workers += [threading.Thread(target=recruiter, args=(i,), daemon=True) for i in range(RECRUITERS)]
    workers += [threading.Thread(target=candidate, args=(i,), daemon=True) for i in range(len(CANDIDATES))]
    started = time.monotonic()
    for w in workers:
        w.start()
    if FAULT in ("kill", "term"):
        time.sleep(FAULT_AFTER)
        os.kill(FAULT_PID, 9 if FAULT == "kill" else 15)
        print(f"sent {'SIGKILL' if FAULT == 'kill' else 'SIGTERM'} to replica pid {FAULT_PID} after {FAULT_AFTER:.0f} s", file=sys.stderr)
    elif FAULT == "pg-restart":
        time.sleep(FAULT_AFTER)
        before = len(latencies)
        subprocess.run(PG_RESTART, shell=True, check=True, capture_output=True)
        print(f"restarted PostgreSQL after {FAULT_AFTER:.0f} s", file=sys.stderr)
        global restarted_at
        restarted_at = before
    time.sleep(max(0.0, DURATION - (time.monotonic() - started)))
    stop.set()
    for w in workers:
        w.join(timeout=35)
    elapsed = time.monotonic() - started

    # Let subscriptions and webhooks catch up with the last publishes.
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        with lock:
            expected = set(published)
            caught_up = all(expected <= received[name] for name in received if name.split("/")[0] in live_replicas()) \
                and expected <= set(webhook_vacancies)
        if caught_up:
            break
        time.sleep(0.25)
    done.set()
    server.shutdown()
    return report(elapsed)


def statuses_after(index):
    return sum(1 for status in answered[index or 0:] if status == 200)


def live_replicas():
    killed = os.environ.get("KILLED_REPLICA", "")
    return {f"replica{i + 1}" for i in range(len(REPLICAS))} - {killed}


def report(elapsed):
    failures = []
    requests = len(latencies)
    # During a database restart, 503 DATABASE_UNAVAILABLE is the answer expected (counted apart).
    five = sum(n for s, n in statuses.items() if s >= 500) - sum(1 for _, s in unavailable if s == 503)
    dropped = statuses.get(0, 0)
    killed = FAULT == "kill"
    print(f"requests      {requests} in {elapsed:.1f} s: {requests / elapsed:.1f}/s")
    print(f"latency       p50 {percentile(latencies, 0.5) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")
    print(f"statuses      {dict(sorted(statuses.items()))}")
    print(f"writes        {len(created)} created, {len(published)} published, {len(applied)} applications")
    print(f"errors        {len(errors)}, {len(unavailable)} answered DATABASE_UNAVAILABLE")
    for line in errors[:10]:
        print(f"  {line}")
    if errors and not killed:
        failures.append(f"{len(errors)} requests answered with an error")
    if five and not killed:
        failures.append(f"{five} responses with a 5xx status")
    if dropped and not killed:
        failures.append(f"{dropped} requests without an answer")
    if not published:
        failures.append("nothing was published")
    if unavailable and FAULT != "pg-restart":
        failures.append(f"{len(unavailable)} requests found the database unavailable")
    if FAULT == "pg-restart":
        with lock:
            after = statuses_after(restarted_at)
        print(f"after restart {after} requests answered 200")
        if after == 0:
            failures.append("no request succeeded after PostgreSQL restarted")
    if FAULT == "term":
        for name, how in closings.items():
            if name.split("/")[0] not in live_replicas():
                if "complete" not in how and "close code 100" not in how:
                    failures.append(f"subscriber {name} was not closed properly: {how}")

    # Every acknowledged write is present exactly once.
    if created:
        refs = psql(f"SELECT reference, count(*) FROM vacancy WHERE reference LIKE 'RPL/{RUN}/%' GROUP BY reference")
        counts = dict(line.split("|") for line in refs)
        missing = [r for r in created if r not in counts]
        twice = [r for r, n in counts.items() if int(n) != 1]
        if missing:
            failures.append(f"{len(missing)} acknowledged vacancies missing: {missing[:3]}")
        if twice:
            failures.append(f"{len(twice)} vacancies stored more than once: {twice[:3]}")
        ids = ",".join(str(local_id(v)) for v in published)
        if ids:
            unpublished = psql(f"SELECT id FROM vacancy WHERE id IN ({ids}) AND status <> 'PUBLISHED'")
            if unpublished:
                failures.append(f"{len(unpublished)} acknowledged publishes not stored")
    if applied:
        ids = ",".join(str(local_id(a)) for a in applied)
        rows = psql(f"SELECT a.id, count(d.id) FROM application a LEFT JOIN application_document d ON d.application_id = a.id WHERE a.id IN ({ids}) GROUP BY a.id")
        found = dict(line.split("|") for line in rows)
        if len(found) != len(applied):
            failures.append(f"{len(applied) - len(found)} acknowledged applications missing")
        halves = [a for a, n in found.items() if int(n) != 1]
        if halves:
            failures.append(f"{len(halves)} applications without their one document (half-written)")
        dup = psql(f"SELECT count(*) FROM (SELECT candidate_id, vacancy_id FROM application WHERE id IN ({ids}) GROUP BY 1, 2 HAVING count(*) > 1) d")
        if dup and int(dup[0]) > 0:
            failures.append(f"{dup[0]} duplicate applications")

    # Every subscriber (of a replica still up) received every publish; every webhook once.
    expected = set(published)
    for name in sorted(received):
        if name.split("/")[0] not in live_replicas():
            continue
        missing = expected - received[name]
        if missing:
            failures.append(f"subscriber {name} missed {len(missing)} of {len(expected)} publishes")
    print(f"subscribers   {len(received)}, each received {min((len(received[n] & expected) for n in received), default=0)}+ of {len(expected)} publishes")
    for name, how in sorted(closings.items()):
        print(f"subscriber {name} was disconnected: {how}")
        if name.split("/")[0] in live_replicas():
            failures.append(f"subscriber {name} of a live replica was disconnected")
    missing_hooks = expected - set(webhook_vacancies)
    repeated = {k: n for k, n in webhooks.items() if n > 1}
    print(f"webhooks      {sum(webhooks.values())} deliveries for {len(expected)} publishes, {len(bad_signatures)} bad signatures")
    if missing_hooks:
        failures.append(f"{len(missing_hooks)} publishes without a webhook delivery")
    # After a kill, a delivery the dead replica sent but had not recorded is sent again
    # (at least once, as documented); without one, never.
    if repeated and not killed:
        failures.append(f"{len(repeated)} webhooks delivered more than once")
    if bad_signatures:
        failures.append(f"{len(bad_signatures)} webhooks with a bad signature")
    for failure in failures:
        print(f"FAILED: {failure}")
    print("OK" if not failures else f"{len(failures)} checks failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
