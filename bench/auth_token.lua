-- wrk script for bench/auth_bench.sh's token run: the password grant, POSTed as a form with
-- the client's Basic credentials (AUTH_BASIC, AUTH_USER, AUTH_PASSWORD from the environment),
-- and the same done() line as plain.lua.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic " .. os.getenv("AUTH_BASIC")
wrk.body = "grant_type=password&username=" .. os.getenv("AUTH_USER") ..
  "&password=" .. os.getenv("AUTH_PASSWORD")

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
