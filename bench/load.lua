-- wrk script of the benchmark: method, headers and body from the environment, a JSON line of
-- results at the end (requests/s, p50/p95/p99, errors by kind). Paths in BENCH_PATHS (";"-
-- separated) are taken in turn, so writes spread over many rows instead of one hot row.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "[^;]+") do table.insert(paths, p) end

wrk.method = method
wrk.headers["X-Forwarded-Proto"] = "https"
-- gunicorn's sync workers close every connection; saying so lets wrk reconnect cleanly.
wrk.headers["Connection"] = "close"
if os.getenv("BENCH_AUTH") then wrk.headers["Authorization"] = os.getenv("BENCH_AUTH") end
if os.getenv("BENCH_COOKIE") then wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE") end
if body ~= "" then wrk.headers["Content-Type"] = "application/json" end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  bad = 0
  counter = 0
  first_bad = ""
end

function request()
  counter = counter + 1
  local path = wrk.path
  if #paths > 0 then path = paths[(counter % #paths) + 1] end
  local b = nil
  if body ~= "" then b = string.gsub(body, "{n}", tostring(counter)) end
  return wrk.format(method, path, nil, b)
end

function response(status, headers, resp_body)
  if status >= 400 then
    bad = bad + 1
    if first_bad == "" then first_bad = status .. " " .. string.sub(resp_body or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local bad_total, sample = 0, ""
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
    local fb = t:get("first_bad")
    if sample == "" and fb then sample = fb end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  sample = string.gsub(string.gsub(sample, '\\', '\\\\'), '"', '\\"')
  sample = string.gsub(sample, "[%c]", " ")
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "socket_errors": %d, "http_errors": %d, ' ..
    '"non_2xx_3xx": %d, "sample_error": "%s"}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, socket_errors, bad_total, e.status, sample))
end
