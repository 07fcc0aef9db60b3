-- wrk: every request is a signed-in client's page, rotating between the sessions that
-- bench/seed.py --sessions N wrote, and between the dashboard and the documents list.
--   wrk -t2 -c200 -d60s --latency -s bench/sessions.lua URL -- DIR/sessions.json [THINK_MS]
-- With THINK_MS, each connection (a person) pauses THINK_MS on average (uniformly between
-- half and one and a half times it) before its next page, as people read; without it, the
-- connections ask again at once (the server's saturation). Responses other than 200 are
-- counted.

local cookies = {}
local paths = { "/pt/", "/pt/documents" }
local counter = 0
local thread_id = 0
local threads = {}
local think = 0

function setup(thread)
  thread:set("id", thread_id)
  thread_id = thread_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local text = file:read("*a")
  file:close()
  for cookie in text:gmatch('"(iclient=[^"]+)"') do
    table.insert(cookies, cookie)
  end
  assert(#cookies > 0, "no cookies in " .. args[1])
  counter = id * 7919
  not_ok = 0
  sessions = #cookies
  think = tonumber(args[2] or "0")
  math.randomseed(id + os.time())
end

function delay()
  if think <= 0 then
    return 0
  end
  return math.floor(think * (0.5 + math.random()))
end

function request()
  counter = counter + 1
  local cookie = cookies[(counter % #cookies) + 1]
  local path = paths[(math.floor(counter / #cookies) % #paths) + 1]
  return wrk.format("GET", path, { ["Cookie"] = cookie })
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  local sessions = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("not_ok")
    sessions = thread:get("sessions")
  end
  io.write(string.format("sessions: %d, non-200 responses: %d\n", sessions, total))
  io.write(string.format("p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
