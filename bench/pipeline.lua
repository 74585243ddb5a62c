-- wrk script for TechEmpower-style HTTP pipelining: every write carries DEPTH requests
-- (default 16) for the URL's path, and wrk waits for all DEPTH responses before the
-- next write. Usage: wrk ... -s bench/pipeline.lua http://host:port/plaintext -- 16
-- wrk counts responses, so its requests/s is per request, not per buffer.
-- done() prints the same machine-readable line as plain.lua for bench/http_bench.sh.

local buffer

init = function(args)
  local depth = tonumber(args[1]) or 16
  local one = wrk.format('GET', wrk.path, {
    ['Accept'] = 'text/plain,text/html;q=0.9,application/xhtml+xml;q=0.9,*/*;q=0.8',
    ['Connection'] = 'keep-alive',
  })
  local parts = {}
  for i = 1, depth do
    parts[i] = one
  end
  buffer = table.concat(parts)
end

request = function()
  return buffer
end

-- Runs in wrk's main Lua state (init() never ran there), so it only uses its arguments.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
