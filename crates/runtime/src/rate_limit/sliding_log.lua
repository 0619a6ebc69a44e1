-- A sliding log of booked turns, for credkit's RedisRateLimiter (crates/runtime/src/rate_limit/redis.rs).
-- Times are microseconds of Redis's own clock, the one clock of every process and machine.
-- The script runs atomically: two callers never book the same turn.
--
-- KEYS[1]  the log: a sorted set of turns, each a booking's id scored with its time
-- KEYS[2]  the hold: no turn before this time (after a 429)
-- ARGV[1]  'book', 'confirm' or 'pause'
--   book:    ARGV[2] requests, ARGV[3] window (µs), ARGV[4] longest wait (µs),
--            ARGV[5] earliest turn from now (µs), ARGV[6] the booking's id.
--            Books the first turn after which the window holds at most `requests` turns and
--            no hold is under way. Returns {1, wait} with the turn booked, {0, wait} with
--            nothing booked (the turn is further than the longest wait).
--   confirm: the same arguments, once the booked turn has come. Returns {1, 0} when the turn
--            still stands (no hold, still booked): its time becomes now, when it is used.
--            Otherwise books again as `book` does: {2, wait} or {0, wait}.
--   pause:   ARGV[2] pause (µs). Holds every turn back until now + pause, and forgets the
--            turns booked for later: their callers book again at their confirm. Returns {1, 0}.
if redis.replicate_commands then
  redis.replicate_commands()
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local log, hold = KEYS[1], KEYS[2]
local held = tonumber(redis.call('GET', hold) or '0')

-- Both keys are forgotten a second after their last turn left the window and the hold ended.
local function keep(last)
  local ttl = math.ceil((last - now) / 1000) + 1000
  redis.call('PEXPIRE', log, ttl)
  redis.call('PEXPIRE', hold, ttl)
end

if ARGV[1] == 'pause' then
  held = math.max(held, now + tonumber(ARGV[2]))
  redis.call('SET', hold, string.format('%d', held))
  redis.call('ZREMRANGEBYSCORE', log, '(' .. string.format('%d', now), '+inf')
  keep(held)
  return {1, 0}
end

local requests = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local id = ARGV[6]
redis.call('ZREMRANGEBYSCORE', log, '-inf', string.format('%d', now - window))

local status = 1
if ARGV[1] == 'confirm' then
  local booked = redis.call('ZSCORE', log, id)
  if booked and held <= now then
    redis.call('ZADD', log, 'XX', string.format('%d', math.max(tonumber(booked), now)), id)
    return {1, 0}
  end
  redis.call('ZREM', log, id)
  status = 2
end

local turn = math.max(now + tonumber(ARGV[5]), held)
local count = redis.call('ZCARD', log)
if count > 0 then
  -- Turns are given in booking order: never before the last one booked.
  local last = redis.call('ZRANGE', log, -1, -1, 'WITHSCORES')
  turn = math.max(turn, tonumber(last[2]))
end
if count >= requests then
  local oldest = redis.call('ZRANGE', log, count - requests, count - requests, 'WITHSCORES')
  turn = math.max(turn, tonumber(oldest[2]) + window)
end
local wait = turn - now
if wait > tonumber(ARGV[4]) then
  return {0, wait}
end
redis.call('ZADD', log, string.format('%d', turn), id)
keep(math.max(turn + window, held))
return {status, wait}
