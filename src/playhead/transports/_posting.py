"""How a batch's POST reaches the network: straight to an httpx transport, or through the client.

``httpx.Client.post`` / ``AsyncClient.post`` run, per request, the URL parsing and header
merging of ``build_request``, the auth and redirect machinery, a timer, a logging call and a
wrapper around the response stream: on a 100-event batch, about a fifth of the CPU each
request costs with ``AsyncClient`` and a quarter with ``Client`` (``docs/delivery.md``,
"Figures"). Each poster below therefore sends the request it built straight to an httpx
transport it owns, through ``handle_request`` / ``handle_async_request`` (httpx's public
custom-transport interface), whenever the client would have used that transport anyway:

- the user gave ``http_transport``: a client built with a transport routes every request to it
  (it then reads no proxy from the environment);
- no proxy is configured in the environment for the URL's scheme (``HTTP_PROXY``,
  ``HTTPS_PROXY``, ``ALL_PROXY``, read by ``urllib.request.getproxies()`` as httpx reads them).

With a proxy configured, requests go through ``client.post`` as before, so httpx applies the
proxy and ``NO_PROXY`` itself: this module never decides which hosts bypass a proxy, it only
recognises the case where there is no proxy to apply. The decision is made once, when the
client is built, which is also when httpx reads the environment.

Both routes share the client's headers, timeout, TLS settings (the transport is made with the
client's defaults: certificate verification on, ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` honoured),
cookies and ``follow_redirects=False``; closing the client closes the transport. The blocking
direct route posts to ``httpx.HTTPTransport()``; the asyncio one to ``_asyncio_net``'s
transport, httpx's defaults on httpcore over asyncio's own streams instead of anyio's (0.73x
the CPU per 100-event request, see that module).
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import httpx

from playhead.transports._asyncio_net import AsyncioTransport
from playhead.transports._engine import Answer, Engine

__all__ = ["AsyncPoster", "SyncPoster", "environment_proxy"]


def environment_proxy(url: str) -> str | None:
    """The proxy the environment configures for ``url``'s scheme, or None.

    ``NO_PROXY`` is deliberately not consulted: with a proxy configured the client route is
    taken, and httpx applies ``NO_PROXY`` there with its own rules.
    """
    scheme = httpx.URL(url).scheme
    proxies = urllib.request.getproxies()
    for key in (scheme, "all"):
        if proxies.get(key):
            return proxies[key]
    return None


def _answer(response: httpx.Response, content: bytes) -> Answer:
    headers = response.headers
    return Answer(
        response.status_code, headers.get("retry-after"), content, headers.get("location")
    )


def _direct_transport(engine: Engine, given: Any, default: type[Any]) -> Any:
    """The transport to post to directly, or None when only the client knows the route."""
    if given is not None:
        route, transport = "given_transport", given
    elif environment_proxy(engine.opts.url) is None:
        route, transport = "direct", default()
    else:
        route, transport = "client_proxy", None  # never log the proxy: it may hold credentials
    engine.log.debug("delivery_route", route=route)
    return transport


_C = TypeVar("_C", httpx.Client, httpx.AsyncClient)
_T = TypeVar("_T", httpx.BaseTransport, httpx.AsyncBaseTransport)


class _Poster(Generic[_C, _T]):
    """What both posters share: the route, the client, the URL parsed once, the answer."""

    def __init__(
        self, engine: Engine, given: _T | None, route: type[_T], client: Callable[..., _C]
    ) -> None:
        self._direct: _T | None = _direct_transport(engine, given, route)
        self.client: _C = client(
            headers=engine.headers,
            timeout=engine.opts.timeout,
            transport=self._direct,
            follow_redirects=False,
        )
        self._url = httpx.URL(engine.opts.url)  # parsed once, not per request

    def _request(self, body: bytes, timeout: float) -> httpx.Request:
        return self.client.build_request("POST", self._url, content=body, timeout=timeout)

    def _direct_answer(
        self, request: httpx.Request, response: httpx.Response, content: bytes
    ) -> Answer:
        """A direct route's answer, with what ``client.send`` would have kept: its cookies."""
        response.request = request
        if "set-cookie" in response.headers:
            self.client.cookies.extract_cookies(response)
        return _answer(response, content)


class SyncPoster(_Poster[httpx.Client, httpx.BaseTransport]):
    """Posts with blocking I/O (``HttpTransport``'s worker, the asyncio transport at exit)."""

    def __init__(self, engine: Engine, transport: httpx.BaseTransport | None) -> None:
        super().__init__(engine, transport, httpx.HTTPTransport, httpx.Client)

    def post(self, body: bytes, timeout: float) -> Answer:
        direct = self._direct
        if direct is None:
            response = self.client.post(self._url, content=body, timeout=timeout)
            return _answer(response, response.content)
        request = self._request(body, timeout)
        response = direct.handle_request(request)
        try:
            content = response.read()
        finally:
            response.close()
        return self._direct_answer(request, response, content)

    def close(self) -> None:
        self.client.close()  # closes the direct transport too: the client owns it

    def __enter__(self) -> SyncPoster:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncPoster(_Poster[httpx.AsyncClient, httpx.AsyncBaseTransport]):
    """Posts on the running asyncio loop (``AsyncHttpTransport``'s worker task)."""

    def __init__(self, engine: Engine, transport: httpx.AsyncBaseTransport | None) -> None:
        super().__init__(engine, transport, AsyncioTransport, httpx.AsyncClient)

    async def post(self, body: bytes, timeout: float) -> Answer:
        direct = self._direct
        if direct is None:
            response = await self.client.post(self._url, content=body, timeout=timeout)
            return _answer(response, response.content)
        request = self._request(body, timeout)
        response = await direct.handle_async_request(request)
        try:
            content = await response.aread()
        finally:
            await response.aclose()
        return self._direct_answer(request, response, content)

    async def aclose(self) -> None:
        await self.client.aclose()
