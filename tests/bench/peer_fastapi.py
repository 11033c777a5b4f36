"""The comparison peer of brul-serve in tests/bench/serve.sh: the three
endpoints the benchmark measures, written in FastAPI (the stack of the
system brul replaces) and tuned as a Python team would tune it: uvicorn
on uvloop and httptools (serve.sh starts it so), answers built as JSON
bytes with the standard library rather than through the framework's
models and encoder, asyncpg's default pool (10 connections a worker)
whose connections prepare and cache their statements (asyncpg asks for
binary results), PyJWT.

    GET /health
    GET /api/v1/batteries?limit=50&offset=0
    GET /api/v1/batteries/{battery_id}/telemetry?from=TS&to=TS&resolution=raw

The database comes from DATABASE_URL (a URI), else from PGHOST, PGPORT,
PGUSER, PGDATABASE ...; the HS256 key is the content of the file named by
BRUL_SECRET_FILE.  Errors are {"error": "..."}.

    /usr/bin/python3 -m uvicorn --app-dir tests/bench peer_fastapi:app --port 8001
"""

import asyncio
import datetime
import decimal
import json
import os
import socket

import asyncpg
import jwt
from fastapi import Depends, FastAPI, Header, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

BATTERIES = """
SELECT b.battery_id, b.site_id, b.system_id, b.string_id, b.position, b.model,
       b.capacity_ah, b.install_date, b.removed_date, b.baseline_mohm,
       CASE WHEN b.removed_date IS NULL THEN 'active' ELSE 'removed' END AS status,
       p.date AS prediction_date, p.rul_days, p.risk
FROM batteries b
LEFT JOIN LATERAL (SELECT date, rul_days, risk FROM predictions q
                   WHERE q.battery_id = b.battery_id
                   ORDER BY date DESC LIMIT 1) p ON true
ORDER BY b.battery_id LIMIT $1 OFFSET $2
"""
TELEMETRY = """
SELECT ts, voltage_v, current_a, temperature_c, resistance_mohm
FROM telemetry WHERE battery_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts
"""
ROLES = {"admin", "engineer", "viewer"}


# uvicorn 0.17 --workers N binds its listening socket with proto 0, which
# accepted sockets inherit, and asyncio sets TCP_NODELAY only on sockets
# whose proto is IPPROTO_TCP: without this, each keep-alive response after
# the first (headers and body are two writes) waits ~40 ms for a delayed
# ACK (uvicorn issue #3149; --workers 1 is not affected).
def _set_nodelay(sock):
    if (sock.family in (socket.AF_INET, socket.AF_INET6)
            and sock.type == socket.SOCK_STREAM):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


asyncio.base_events._set_nodelay = _set_nodelay

with open(os.environ["BRUL_SECRET_FILE"], "rb") as f:
    SECRET = f.read().strip()

app = FastAPI(title="brul bench peer", docs_url=None, redoc_url=None,
              openapi_url=None)


@app.on_event("startup")
async def startup():
    # asyncpg reads PGHOST, PGPORT, PGUSER ... itself when dsn is None.
    app.state.pool = await asyncpg.create_pool(os.environ.get("DATABASE_URL"))


@app.on_event("shutdown")
async def shutdown():
    await app.state.pool.close()


@app.exception_handler(StarletteHTTPException)
async def http_error(request, exc):
    return JSONResponse({"error": exc.detail}, status_code=exc.status_code,
                        headers=getattr(exc, "headers", None))


@app.exception_handler(RequestValidationError)
async def bad_request(request, exc):
    e = exc.errors()[0]
    where = ".".join(str(x) for x in e["loc"][1:]) or "request"
    return JSONResponse({"error": f"{where}: {e['msg']}"}, status_code=400)


def _plain(v):
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    if isinstance(v, decimal.Decimal):
        return float(v)
    raise TypeError(type(v).__name__)


def answer(o):
    """o as JSON bytes, past FastAPI's jsonable_encoder and models."""
    return Response(json.dumps(o, default=_plain, separators=(",", ":")),
                    media_type="application/json")


def unauthorized(why):
    return HTTPException(401, why, headers={"WWW-Authenticate": "Bearer"})


def user(authorization: str = Header(None)):
    """The claims of a valid access token, or 401."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise unauthorized("missing bearer token")
    try:
        # algorithms pins HS256: none, RS256 ... are refused; exp, nbf
        # and iat are checked, exp and iat must be there.
        claims = jwt.decode(token, SECRET, algorithms=["HS256"],
                            options={"require": ["exp", "iat", "sub"]})
    except jwt.PyJWTError as e:
        raise unauthorized(f"invalid token: {e}")
    if (claims.get("typ") != "access" or not isinstance(claims["sub"], str)
            or claims.get("role") not in ROLES):
        raise unauthorized("invalid token: not an access token")
    return claims


@app.get("/health")
async def health():
    return Response(b'{"status":"ok"}', media_type="application/json")


@app.get("/api/v1/batteries")
async def batteries(limit: int = Query(50, ge=1, le=1000),
                    offset: int = Query(0, ge=0), claims=Depends(user)):
    async with app.state.pool.acquire() as con:
        rows = await con.fetch(BATTERIES, limit, offset)
        total = await con.fetchval("SELECT count(*) FROM batteries")
    return answer({"items": [dict(r) for r in rows], "total": total,
                   "limit": limit, "offset": offset})


def utc(t):
    return t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)


@app.get("/api/v1/batteries/{battery_id}/telemetry")
async def telemetry(battery_id: str,
                    start: datetime.datetime = Query(..., alias="from"),
                    end: datetime.datetime = Query(..., alias="to"),
                    resolution: str = Query("raw", regex="^raw$"),
                    claims=Depends(user)):
    start, end = utc(start), utc(end)
    async with app.state.pool.acquire() as con:
        if await con.fetchval("SELECT 1 FROM batteries WHERE battery_id = $1",
                              battery_id) is None:
            raise HTTPException(404, f"no battery {battery_id}")
        rows = await con.fetch(TELEMETRY, battery_id, start, end)
    return answer({"battery_id": battery_id, "resolution": resolution,
                   "from": start, "to": end,
                   "points": [dict(r) for r in rows]})
