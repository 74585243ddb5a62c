-- wrk script for the unpipelined runs: wrk's own static request (one GET per round trip),
-- plus a done() that prints one machine-readable line for bench/http_bench.sh.
-- (wrk scripts cannot share code via require without path tricks, so pipeline.lua
-- carries the same done().)

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
