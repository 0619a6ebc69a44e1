-- GCRA with booked turns, for credkit's RedisRateLimiter (crates/runtime/src/rate_limit/redis.rs).
-- One bucket per key: `tat`, the next free turn, and `held`, no turn before it (after a 429).
-- Times are microseconds of Redis's own clock, so that every process and machine sees one time.
-- The script runs atomically: two callers never book the same turn.
--
-- KEYS[1]  the bucket
-- ARGV[1]  'acquire' or 'pause'
--   acquire: ARGV[2] spacing, ARGV[3] longest wait, ARGV[4] earliest turn from now (µs).
--            Returns {1, wait} with the turn booked, or {0, wait} with nothing booked.
--   pause:   ARGV[2] pause (µs). Returns {1, 0}.
if redis.replicate_commands then
  redis.replicate_commands()
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local key = KEYS[1]
local tat = tonumber(redis.call('HGET', key, 'tat') or '0')
local held = tonumber(redis.call('HGET', key, 'held') or '0')

-- The bucket is forgotten a second after it stops holding anyone back.
local function keep(last)
  redis.call('PEXPIRE', key, math.ceil((last - now) / 1000) + 1000)
end

if ARGV[1] == 'pause' then
  held = math.max(held, now + tonumber(ARGV[2]))
  redis.call('HSET', key, 'held', string.format('%d', held))
  keep(math.max(tat, held))
  return {1, 0}
end

local turn = math.max(tat, held, now + tonumber(ARGV[4]))
local wait = turn - now
if wait > tonumber(ARGV[3]) then
  return {0, wait}
end
tat = turn + tonumber(ARGV[2])
redis.call('HSET', key, 'tat', string.format('%d', tat))
keep(math.max(tat, held))
return {1, wait}
