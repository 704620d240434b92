-- applyToVacancy as a GraphQL multipart request with a CV. Request k of thread i is the global
-- request g = OFFSET + k * threads + i: candidate g mod C applies to vacancy (g div C) mod V,
-- so no (candidate, vacancy) pair repeats while OFFSET grows from run to run.
package.path = os.getenv("WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local boundary = "----jobboard-bench-7d1f0a"
local operations, tokens, vacancies, pdf, offset, k

function init(args)
  operations = common.read(os.getenv("BODY")):gsub("%s+$", "")
  tokens = common.lines(os.getenv("TOKENS"))
  vacancies = common.lines(os.getenv("VACANCIES"))
  pdf = common.read(os.getenv("CV"))
  offset = tonumber(os.getenv("OFFSET") or "0")
  threads = tonumber(os.getenv("THREADS") or "1")
  k = 0
end

local function part(name, extra, content)
  return "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"" .. name .. "\"" ..
    extra .. "\r\n\r\n" .. content .. "\r\n"
end

function request()
  local g = offset + k * threads + index
  k = k + 1
  local candidate = tokens[(g % #tokens) + 1]
  local vacancy = vacancies[(math.floor(g / #tokens) % #vacancies) + 1]
  local body = part("operations", "", operations:gsub("__VACANCY__", vacancy, 1)) ..
    part("map", "", '{"0":["variables.documents.0.file"]}') ..
    part("0", "; filename=\"cv.pdf\"\r\nContent-Type: application/pdf", pdf) ..
    "--" .. boundary .. "--\r\n"
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "multipart/form-data; boundary=" .. boundary,
    ["GraphQL-Require-Preflight"] = "1",
    ["Authorization"] = "Bearer " .. candidate,
  }, body)
end
