-- wrk script of the benchmark. The requests come from a file written by bench/wrk.py
-- (BENCH_REQUESTS), one a line, tab-separated: label, method, path, body, then headers.
-- The first line says how they are taken: "#order random" (each request picks a line at
-- random, seeded per thread: the mixed scenario) or "#order turns" (in turn: one endpoint,
-- or writes spread over many rows). A line whose method is QUEUE takes the next entry of the
-- queue (lines starting with ">"), each entry sent once in the whole run: a task moved along
-- its workflow once, so that its move is valid. "{n}" in a body becomes a number unique in
-- the run.
--
-- At the end one JSON line, "BENCH {...}", gives what wrk counts (requests, latency, socket
-- errors, late answers) and what only this script sees: every answer's status (wrk counts
-- only 4xx and 5xx; a redirect to the login page is no success either), and the requests
-- still unanswered when the run stopped although sent more than the timeout before: wrk
-- counts a timeout only when the late answer arrives, so a server that answers nothing
-- would otherwise read as zero requests and zero errors.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *ts);
]]
local CLOCK_MONOTONIC = 1
local clock_buffer = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, clock_buffer)
  return tonumber(clock_buffer.tv_sec) + tonumber(clock_buffer.tv_nsec) / 1e9
end

-- Send times kept per thread: enough to cover the requests one thread can have in flight.
local RING = 4096

local function split(line)
  local fields, start = {}, 1
  while true do
    local i = string.find(line, "\t", start, true)
    if not i then
      table.insert(fields, string.sub(line, start))
      return fields
    end
    table.insert(fields, string.sub(line, start, i - 1))
    start = i + 1
  end
end

local function load(path)
  local slots, queue, order = {}, {}, "turns"
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    if string.sub(line, 1, 7) == "#order " then
      order = string.sub(line, 8)
    elseif line ~= "" then
      local into = slots
      if string.sub(line, 1, 1) == ">" then
        into, line = queue, string.sub(line, 2)
      end
      local f = split(line)
      local headers = {}
      for i = 5, #f do
        local name, value = string.match(f[i], "^([^:]+):%s*(.*)$")
        if name then headers[name] = value end
      end
      table.insert(into, { label = f[1], method = f[2], path = f[3], body = f[4] or "",
                           headers = headers })
    end
  end
  file:close()
  assert(#slots > 0, "no request in " .. path)
  return slots, queue, order
end

local requests_file = os.getenv("BENCH_REQUESTS")
local timeout = tonumber(os.getenv("BENCH_TIMEOUT") or "") or 2
local slots, queue, order = load(requests_file)

wrk.headers["X-Forwarded-Proto"] = "https"
-- gunicorn's sync workers close every connection; saying so lets wrk reconnect cleanly.
wrk.headers["Connection"] = "close"

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads - 1)
end

-- wrk.format sends the headers it is given instead of wrk.headers (the Host aside): each
-- line's headers get the common ones once, here.
local function with_common_headers(lines)
  for _, r in ipairs(lines) do
    for name, value in pairs(wrk.headers) do
      if r.headers[name] == nil then r.headers[name] = value end
    end
  end
end

function init(args)
  with_common_headers(slots)
  with_common_headers(queue)
  -- Globals, read back by done() through thread:get.
  threads_count = tonumber(os.getenv("BENCH_THREADS") or "") or 1
  math.randomseed((tonumber(os.getenv("BENCH_SEED") or "") or 1) * 1000 + id)
  counter, sent, answered, not_ok, queue_dry = 0, 0, 0, 0, 0
  next_in_queue = id + 1
  statuses, labels, ring = {}, {}, {}
  first_bad = ""
end

local function pick()
  if order == "random" then return slots[math.random(#slots)] end
  -- Thread k takes lines k, k + T, k + 2T...: the threads spread over the lines.
  return slots[(((counter - 1) * threads_count + id) % #slots) + 1]
end

function request()
  counter = counter + 1
  local r = pick()
  if r.method == "QUEUE" then
    local entry = queue[next_in_queue]
    if entry then
      next_in_queue = next_in_queue + threads_count
      r = entry
    else
      queue_dry = queue_dry + 1
      for _ = 1, 20 do
        r = slots[math.random(#slots)]
        if r.method ~= "QUEUE" then break end
      end
      assert(r.method ~= "QUEUE", "the queue ran dry and every line is a queue line")
    end
  end
  local body = nil
  if r.body ~= "" then
    body = string.gsub(r.body, "{n}", tostring(counter * threads_count + id))
  end
  sent = sent + 1
  ring[(sent - 1) % RING + 1] = now()
  labels[r.label] = (labels[r.label] or 0) + 1
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  answered = answered + 1
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if status < 200 or status > 299 then
    not_ok = not_ok + 1
    if first_bad == "" then
      local where = headers["Location"] or headers["location"]
      first_bad = status .. " " .. (where and ("to " .. where .. " ") or "")
        .. string.sub(body or "", 1, 200)
    end
  end
end

local function escape(text)
  text = string.gsub(text, "\\", "\\\\")
  text = string.gsub(text, '"', '\\"')
  return (string.gsub(text, "%c", " "))
end

local function json_counts(counts)
  local parts = {}
  for key, value in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', escape(key), value))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local ended = now()
  local totals = { sent = 0, answered = 0, not_ok = 0, queue_dry = 0, stalled = 0 }
  local statuses_all, labels_all, sample = {}, {}, ""
  for _, t in ipairs(threads) do
    local t_sent, t_answered = t:get("sent") or 0, t:get("answered") or 0
    -- wrk calls request() once on the first thread before the run, to count the requests a
    -- call returns (pipelining): that one is never sent.
    if t:get("id") == 0 then t_sent = math.max(0, t_sent - 1) end
    totals.sent = totals.sent + t_sent
    totals.answered = totals.answered + t_answered
    totals.not_ok = totals.not_ok + (t:get("not_ok") or 0)
    totals.queue_dry = totals.queue_dry + (t:get("queue_dry") or 0)
    for k, v in pairs(t:get("statuses") or {}) do statuses_all[k] = (statuses_all[k] or 0) + v end
    for k, v in pairs(t:get("labels") or {}) do labels_all[k] = (labels_all[k] or 0) + v end
    local fb = t:get("first_bad")
    if sample == "" and fb then sample = fb end
    -- Unanswered requests beyond those sent within the timeout were sent before it: they
    -- waited longer than the timeout (a lower bound; requests lost to a socket error are
    -- taken off below, as wrk counts those already).
    local recent = 0
    for _, at in ipairs(t:get("ring") or {}) do
      if at >= ended - timeout - 0.25 then recent = recent + 1 end
    end
    totals.stalled = totals.stalled + math.max(0, t_sent - t_answered - recent)
  end
  local e = summary.errors
  totals.stalled = math.max(0, totals.stalled - e.read - e.write)
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "late": %d, "stalled": %d, "status_errors": %d, "not_2xx": %d, ' ..
    '"sent": %d, "answered": %d, "queue_dry": %d, "statuses": %s, "labels": %s, ' ..
    '"timeout_s": %.3f, "sample_error": "%s"}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect, e.read, e.write, e.timeout, totals.stalled, e.status,
    totals.not_ok, totals.sent, totals.answered, totals.queue_dry, json_counts(statuses_all),
    json_counts(labels_all), timeout, escape(sample)))
end
