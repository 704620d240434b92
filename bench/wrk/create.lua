-- createVacancy: the body of BODY with a reference unique to the run, thread and request.
package.path = os.getenv("WRK_DIR") .. "/?.lua;" .. package.path
local common = require("common")
common.install()

local template, token, prefix, n

function init(args)
  template = common.read(os.getenv("BODY")):gsub("%s+$", "")
  token = os.getenv("TOKEN")
  prefix = os.getenv("PREFIX") .. "/" .. index .. "/"
  n = 0
end

function request()
  n = n + 1
  local body = template:gsub("__REFERENCE__", prefix .. n, 1)
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
