-- SPDX-License-Identifier: BSD-3-Clause
-- wrk script: POST /event with the public 1MRC body shape, user_<n % 75000>.
local n = 0
request = function()
	n = n + 1
	local body = string.format('{"userId":"user_%d","value":%d.5}', n % 75000, n % 1000)
	return wrk.format("POST", "/event", { ["Content-Type"] = "application/json" }, body)
end
