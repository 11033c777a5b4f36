-- distinct.lua: wrk's requests for the bench's "distinct" endpoint: a
-- random battery (one per line of the file BENCH_IDS) and a random day of
-- the 90 from 2026-01-01, each request its own: nothing to remember, as
-- operators opening different blocks' charts.
local ids, days = {}, {}
for line in io.lines(os.getenv("BENCH_IDS")) do
	ids[#ids + 1] = line
end
for _, m in ipairs({ { 1, 31 }, { 2, 28 }, { 3, 31 } }) do
	for d = 1, m[2] do
		days[#days + 1] = string.format("2026-%02d-%02d", m[1], d)
	end
end

local n = 0
function setup(thread)
	n = n + 1
	thread:set("id", n)
end

function init(args)
	math.randomseed(os.time() * 16 + id)
end

function request()
	local d = math.random(1, #days - 1)
	return wrk.format("GET", "/api/v1/batteries/" .. ids[math.random(#ids)] ..
	    "/telemetry?from=" .. days[d] .. "T00:00:00Z&to=" .. days[d + 1] ..
	    "T00:00:00Z&resolution=raw")
end
