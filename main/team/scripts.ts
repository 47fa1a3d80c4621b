/**
 * The Lua scripts Redis runs for the team, each one atomic: no two members' admissions
 * interleave. Keys name the team, the provider, a fingerprint of the key (never the key) and the
 * window; values are counts, epoch ms and member ids, never a prompt.
 *
 * A per-second to per-hour window is a sorted set of takes scored by their time, each member
 * "<member>:<ticket>:<amount>", trimmed to the window's span on every admission (the local
 * limiter's log, shared). A daily or monthly quota is a hash of counts, one per member, whose key
 * carries the provider's reset time (in its zone) and which expires then: the quota's use is
 * their sum, and a member re-joining a Redis that lost its data restores its own count without
 * counting anyone twice. Expiries are relative to the member's clock
 * (PEXPIRE, never PEXPIREAT), so a member's clock need not agree with Redis's.
 */

/**
 * KEYS[1]: the pool's hold; KEYS[2..]: one per window. ARGV: now, member, ticket, force (1:
 * merge per-minute takes counted while Redis was away, without checking), count, then per window: kind
 * (log|counter), limit, amount, span ms (log) or reset epoch ms (counter).
 * Returns {1} when taken, {0, retryAt or -1, why, window} when not.
 */
export const ADMIT_LUA = `
local now = tonumber(ARGV[1])
local member = ARGV[2]
local ticket = ARGV[3]
local force = ARGV[4] == '1'
local n = tonumber(ARGV[5])
local function amountOf(entry) return tonumber(string.match(entry, ':(%d+)$')) end
local function total(key)
  local sum = 0
  for _, v in ipairs(redis.call('HVALS', key)) do sum = sum + tonumber(v) end
  return sum
end
if not force then
  local hold = redis.call('HMGET', KEYS[1], 'until', 'kind')
  if hold[1] and tonumber(hold[1]) > now then return {0, hold[1], hold[2] or 'hold', ''} end
  local retry = 0
  for i = 1, n do
    local b = 5 + (i - 1) * 4
    local kind, limit, amount, x = ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
    local key = KEYS[i + 1]
    if amount > limit then return {0, '-1', 'too-large', key} end
    if kind == 'log' then
      redis.call('ZREMRANGEBYSCORE', key, '-inf', now - x)
      local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
      local used = 0
      for j = 1, #entries, 2 do used = used + amountOf(entries[j]) end
      local excess = used + amount - limit
      if excess > 0 then
        for j = 1, #entries, 2 do
          excess = excess - amountOf(entries[j])
          if excess <= 0 then
            local at = math.ceil(tonumber(entries[j + 1]) + x)
            if at > retry then retry = at end
            break
          end
        end
      end
    else
      if total(key) + amount > limit and x > retry then retry = x end
    end
  end
  if retry > 0 then return {0, tostring(retry), 'window', ''} end
end
for i = 1, n do
  local b = 5 + (i - 1) * 4
  local kind, amount, x = ARGV[b + 1], tonumber(ARGV[b + 3]), tonumber(ARGV[b + 4])
  local key = KEYS[i + 1]
  if kind == 'log' then
    if amount > 0 then redis.call('ZADD', key, now, member .. ':' .. ticket .. ':' .. amount) end
    redis.call('PEXPIRE', key, math.ceil(x) + 1000)
  else
    redis.call('HINCRBY', key, member, amount)
    redis.call('PEXPIRE', key, math.max(1, math.ceil(x - now) + 60000))
  end
end
return {1}
`;

/**
 * Settles a take with its real cost. KEYS: one per window, as admitted. ARGV: member, ticket,
 * at, count, then per window: kind, charged, actual.
 */
export const SETTLE_LUA = `
local member, ticket, at, n = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
for i = 1, n do
  local b = 4 + (i - 1) * 3
  local kind, charged, actual = ARGV[b + 1], tonumber(ARGV[b + 2]), tonumber(ARGV[b + 3])
  local key = KEYS[i]
  if charged ~= actual and redis.call('EXISTS', key) == 1 then
    if kind == 'log' then
      redis.call('ZREM', key, member .. ':' .. ticket .. ':' .. charged)
      if actual > 0 then redis.call('ZADD', key, at, member .. ':' .. ticket .. ':' .. actual) end
    else
      redis.call('HINCRBY', key, member, actual - charged)
    end
  end
end
return 1
`;

/**
 * Holds a pool for every member until a time (a cooldown, a park, an open breaker, a window the
 * provider says is spent); a later hold is never shortened. KEYS[1]: the hold. ARGV: until,
 * kind, now.
 */
export const HOLD_LUA = `
local current = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
local untilAt = tonumber(ARGV[1])
if untilAt <= current then return 0 end
redis.call('HSET', KEYS[1], 'until', ARGV[1], 'kind', ARGV[2])
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(untilAt - tonumber(ARGV[3]))))
return 1
`;

/**
 * Restores a member's own count of a daily or monthly quota after Redis was away (and perhaps
 * lost its data): the member's entry becomes the larger of the two. KEYS[1]: the counter. ARGV:
 * member, count, ms until the reset.
 */
export const RESTORE_COUNT_LUA = `
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
local own = tonumber(ARGV[2])
if own > current then redis.call('HSET', KEYS[1], ARGV[1], own) end
redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil(tonumber(ARGV[3])) + 60000))
return 1
`;
