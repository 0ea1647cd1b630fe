import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pooled, REPORT, THREADS } from './wrk.ts';

/** Files the offer scripts read at start (one item per line), written by bench/lib/offers.ts. */
export interface OfferFiles {
  /** `GET /offers?lat=…&lng=…&radius_m=2000&limit=20` around random city centres. */
  nearby: string;
  /** `GET /offers?q=<word>&limit=20`, words that hit. */
  text: string;
  /** Both: around a city centre and with a word. */
  nearbyText: string;
  /** `/offers/<id>` of seeded offers. */
  byId: string;
  /** Ids of seeded offers (favorite toggle). */
  ids: string;
  /** Access tokens of the bench's users, one per line (refreshed before every run). */
  tokens: string;
  /** The establishment id the bench user manages (POST /offers). */
  establishment: string;
}

/** Scripts of the offer scenarios, by name (wrk's `-s`). */
export interface OfferScripts {
  nearby: string;
  text: string;
  nearbyText: string;
  byIdAnon: string;
  byIdAuth: string;
  favoriteToggle: string;
  offerPost: string;
}

/** Lua: `lines(file)` reads a file into an array, one entry per line. */
const LINES = `
local function lines(file)
  local out = {}
  for line in io.lines(file) do out[#out + 1] = line end
  return out
end
`;

/**
 * A script that formats a pool of GET requests at start from random lines of `pathsFile` (with a
 * random token of `tokensFile` as `Authorization: Bearer` when given) and cycles through them.
 */
function pool(pathsFile: string, tokensFile?: string): string {
  const auth = tokensFile === undefined ? 'nil'
    : `{ ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }`;
  return LINES + pooled(`
  local paths = lines(${JSON.stringify(pathsFile)})
  ${tokensFile === undefined ? '' : `local tokens = lines(${JSON.stringify(tokensFile)})`}
  for k = 1, POOL do reqs[k] = wrk.format("GET", paths[math.random(#paths)], ${auth}) end`);
}

/**
 * Writes the Lua scripts of the offer scenarios into `dir`.
 * @param runId tag that makes POSTed titles unique across runs.
 */
export function writeOfferScripts(dir: string, f: OfferFiles, runId: string): OfferScripts {
  // PUT then DELETE of the same favorite by the same user, pair after pair (formatted at start).
  const favoriteToggle = LINES + pooled(`
  local ids = lines(${JSON.stringify(f.ids)})
  local tokens = lines(${JSON.stringify(f.tokens)})
  for k = 1, POOL / 2 do
    local path = "/me/favorites/" .. ids[math.random(#ids)]
    local headers = { ["Authorization"] = "Bearer " .. tokens[math.random(#tokens)] }
    reqs[2 * k - 1] = wrk.format("PUT", path, headers)
    reqs[2 * k] = wrk.format("DELETE", path, headers)
  end`);
  // POST /offers at the bench user's establishment, a unique title per request.
  const offerPost = `${THREADS}${LINES}
local token
local body
function init(args)
  token = lines(${JSON.stringify(f.tokens)})[1]
  local establishment = lines(${JSON.stringify(f.establishment)})[1]
  body = '{"establishment_id":"' .. establishment .. '","title":"bench ${runId}-%d-%d","category":"BAR",'
    .. '"discount":{"kind":"percentage","value":20},"valid_from":"2020-01-01T00:00:00.000Z","valid_until":"2100-01-01T00:00:00.000Z"}'
end
local n = 0
function request()
  n = n + 1
  return wrk.format("POST", "/offers", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token },
    string.format(body, tid, n))
end
${REPORT}`;
  const scripts: OfferScripts = {
    nearby: pool(f.nearby),
    text: pool(f.text),
    nearbyText: pool(f.nearbyText),
    byIdAnon: pool(f.byId),
    byIdAuth: pool(f.byId, f.tokens),
    favoriteToggle,
    offerPost,
  };
  const paths = {} as OfferScripts;
  for (const [name, lua] of Object.entries(scripts) as [keyof OfferScripts, string][]) {
    paths[name] = join(dir, `offers-${name}.lua`);
    writeFileSync(paths[name], lua);
  }
  return paths;
}
