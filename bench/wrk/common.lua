-- Shared by the wrk scripts: error counting across threads, and file reading.
-- A response is an error when its status is not 200 or its body carries GraphQL "errors".

local common = {}
local threads = {}

function common.lines(path)
  local items = {}
  for line in io.lines(path) do
    if line ~= "" then items[#items + 1] = line end
  end
  assert(#items > 0, path .. " is empty")
  return items
end

function common.read(path)
  local file = assert(io.open(path, "rb"))
  local content = file:read("*a")
  file:close()
  return content
end

-- Installs setup/response/done: each thread gets an index (`index`, 0-based; the thread count
-- comes from THREADS, as wrk starts a thread before setting up the next), counts its errors
-- and keeps the first one.
function common.install()
  local count = 0
  function setup(thread)
    thread:set("index", count)
    count = count + 1
    threads[#threads + 1] = thread
  end

  errors = 0
  first_error = nil
  function response(status, headers, body)
    if status ~= 200 or string.find(body, '"errors"', 1, true) then
      errors = errors + 1
      if first_error == nil then first_error = status .. " " .. string.sub(body, 1, 300) end
    end
  end

  function done(summary, latency, requests)
    local total, sample = 0, nil
    for _, t in ipairs(threads) do
      total = total + (t:get("errors") or 0)
      sample = sample or t:get("first_error")
    end
    io.write(string.format("errors: %d\n", total))
    if sample then io.write("first error: " .. sample .. "\n") end
  end
end

return common
