-- wrk script: send the cookie given in the COOKIE environment variable (or rotate through
-- the cookies in the file named by COOKIES, one per line, a connection each) and print a
-- JSON summary at the end (one line starting with "JSON ").
local cookies = {}
local file = os.getenv("COOKIES")
if file then
  for line in io.lines(file) do
    if #line > 0 then table.insert(cookies, line) end
  end
end
local single = os.getenv("COOKIE")
local counter = 0

setup = function(thread)
  thread:set("offset", counter)
  counter = counter + 1
end

init = function(args)
  requests_sent = 0
end

request = function()
  local headers = {}
  if #cookies > 0 then
    requests_sent = requests_sent + 1
    headers["Cookie"] = cookies[((requests_sent * 7919 + offset) % #cookies) + 1]
  elseif single then
    headers["Cookie"] = single
  end
  return wrk.format(nil, nil, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout + summary.errors.status
  io.write(string.format(
    'JSON {"requests": %d, "seconds": %.3f, "errors": %d, "non2xx": %d, '
    .. '"p50_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, errors, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
