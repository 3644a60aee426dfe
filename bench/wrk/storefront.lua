-- The wrk script of `make bench` (bench/serve_bench.py): every request names its store in the
-- Host header (or the path), chosen uniformly at random, so a run over N stores touches all of
-- them. Settings come from the environment (wrk passes no arguments to a script's init when a
-- request() function builds whole requests):
--   BENCH_MODE      subdomain | domain | path | unknown | mix
--   BENCH_STORES    N: stores store1..storeN exist; every 5th has shop<i>.example.test
--   BENCH_PLATFORM  the platform domain (platform.test)
--   BENCH_PAGE      the storefront path (/shop/products)
--   BENCH_SHIPPING  1: the mix's orders carry a "shipping" address (servers that require it)
--   BENCH_OUT       where done() writes its JSON summary
-- The requests are raw HTTP/1.1 strings built by concatenation: wrk.format would cost wrk more
-- CPU per request, and wrk must never be what limits nginx.

local mode = os.getenv("BENCH_MODE") or "subdomain"
local stores = tonumber(os.getenv("BENCH_STORES") or "10")
local platform = os.getenv("BENCH_PLATFORM") or "platform.test"
local page = os.getenv("BENCH_PAGE") or "/shop/products"
local shipping = os.getenv("BENCH_SHIPPING") == "1"
local out = os.getenv("BENCH_OUT")
local domains = math.floor(stores / 5)

local function get(host, path)
  return "GET " .. path .. " HTTP/1.1\r\nHost: " .. host .. "\r\n\r\n"
end

local function post(host, path, content_type, body)
  return "POST " .. path .. " HTTP/1.1\r\nHost: " .. host .. "\r\nContent-Type: " ..
             content_type .. "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
end

local function subdomain(i)
  return "store" .. i .. "." .. platform
end

-- Products are seeded with explicit ids: store i owns (i - 1) * 10 + 1 .. i * 10.
local function product_of(i)
  return (i - 1) * 10 + math.random(10)
end

local order_count = 0

local builders = {
  subdomain = function()
    return get(subdomain(math.random(stores)), page)
  end,
  domain = function()
    return get("shop" .. (5 * math.random(domains)) .. ".example.test", page)
  end,
  path = function()
    return get(platform, "/stores/store" .. math.random(stores) .. page)
  end,
  -- Half unknown subdomains, half unknown custom domains: never the same name twice in a row,
  -- so a cache of not-found answers per host gains nothing.
  unknown = function()
    local n = math.random(1000000000)
    if n % 2 == 0 then
      return get("nostore" .. n .. "." .. platform, page)
    end
    return get("www" .. n .. ".unknown.test", page)
  end,
  -- W6: 90 % pages, 5 % cart adds (the storefront's form), 5 % orders (its JSON API).
  mix = function()
    local i = math.random(stores)
    local r = math.random(100)
    if r <= 90 then
      return get(subdomain(i), page)
    elseif r <= 95 then
      return post(subdomain(i), "/shop/cart/items", "application/x-www-form-urlencoded",
                  "product_id=" .. product_of(i) .. "&quantity=1")
    end
    order_count = order_count + 1
    local body = '{"customer_email":"bench' .. (order_count % 1000) .. '@example.test",' ..
                     '"items":[{"product_id":' .. product_of(i) .. ',"quantity":1}]'
    if shipping then
      body = body .. ',"shipping":{"name":"Bench Shopper","line1":"1 Loop Street",' ..
                 '"postal_code":"1000","city":"Localhost","country":"LU"}'
    end
    return post(subdomain(i), "/shop/api/orders", "application/json", body .. "}")
  end,
}

local build = builders[mode]
if build == nil then
  error("storefront.lua: unknown BENCH_MODE " .. mode)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  return build()
end

function done(summary, latency, requests)
  local e = summary.errors
  local json = string.format(
      '{"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,"write":%d,' ..
          '"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
      e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max)
  if out then
    local f = assert(io.open(out, "w"))
    f:write(json)
    f:close()
  else
    io.write(json)
  end
end
