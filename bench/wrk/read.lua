-- Read operations: POST the JSON bodies of BODIES (one a line) in turn, each thread starting
-- at its own place; with TOKEN set, as that account.
package.path = os.getenv("WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local bodies, token, n

function init(args)
  bodies = common.lines(os.getenv("BODIES"))
  token = os.getenv("TOKEN")
  n = index * 7919
end

function request()
  n = n + 1
  local headers = { ["Content-Type"] = "application/json" }
  if token and token ~= "" then headers["Authorization"] = "Bearer " .. token end
  return wrk.format("POST", "/graphql", headers, bodies[(n % #bodies) + 1])
end
