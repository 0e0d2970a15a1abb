"""HTTP for notifications: push subscriptions, preferences, one-click unsubscribe.

Thin handlers over `api.outbox.services`. There is deliberately no route that enqueues a
notification: only services do that, inside their own transactions.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency
from litestar.params import JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from api.accounts.authz import Access, Principal
from api.core.messages import message
from api.core.params import MAX_ID, PathId
from api.outbox import feed, preferences, schemas, subscriptions, unsubscribe

SIGNED_IN = {"access": Access.SIGNED_IN}
Token = Annotated[str, QueryParameter(min_length=1, max_length=200)]


class PushController(Controller):
    path = "/api/push"
    tags = ["notifications"]

    @get("/public-key", opt={"access": Access.PUBLIC})
    async def public_key(self) -> schemas.PublicKeyOut:
        """The VAPID public key (`applicationServerKey` for `pushManager.subscribe`)."""
        return schemas.PublicKeyOut(public_key=subscriptions.vapid_keys().public_key_base64url)

    @get("/subscriptions", opt=SIGNED_IN)
    async def list_subscriptions(
        self, principal: NamedDependency[Principal]
    ) -> list[schemas.SubscriptionOut]:
        return await subscriptions.list_subscriptions(principal)

    @post("/subscriptions", opt=SIGNED_IN)
    async def subscribe(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        data: JSONBody[schemas.SubscriptionIn],
    ) -> Response[schemas.SubscriptionOut]:
        """Store this device's subscription (201), or update it when re-posted (200)."""
        subscription, created = await subscriptions.subscribe(
            principal, data, request.headers.get("user-agent", "")
        )
        return Response(subscription, status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @delete("/subscriptions", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def unsubscribe_device(
        self,
        principal: NamedDependency[Principal],
        endpoint: Annotated[str, QueryParameter(min_length=1, max_length=2048)],
    ) -> None:
        await subscriptions.unsubscribe_device(principal, endpoint)


def _page(language: str, title: str, body: str) -> Response[str]:
    html = (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body><main>{body}</main></body></html>"
    )
    return Response(html, media_type="text/html; charset=utf-8")


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]

    @get("/preferences", opt=SIGNED_IN)
    async def get_preferences(
        self, principal: NamedDependency[Principal]
    ) -> schemas.PreferencesOut:
        return await preferences.get_preferences(principal)

    @put("/preferences", opt=SIGNED_IN)
    async def put_preferences(
        self, principal: NamedDependency[Principal], data: JSONBody[schemas.PreferencesIn]
    ) -> schemas.PreferencesOut:
        return await preferences.put_preferences(principal, data)

    @get("/feed", opt=SIGNED_IN)
    async def feed_items(
        self,
        principal: NamedDependency[Principal],
        before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> schemas.FeedOut:
        """The person's in-app notifications, newest first, with the unread count."""
        return await feed.items(principal, before)

    @post("/feed/read-all", opt=SIGNED_IN, status_code=HTTP_200_OK)
    async def feed_read_all(self, principal: NamedDependency[Principal]) -> schemas.MarkedReadOut:
        return schemas.MarkedReadOut(marked=await feed.mark_all_read(principal))

    @post("/feed/{item_id:int}/read", opt=SIGNED_IN, status_code=HTTP_204_NO_CONTENT)
    async def feed_read_one(self, principal: NamedDependency[Principal], item_id: PathId) -> None:
        await feed.mark_read(principal, item_id)

    @get("/unsubscribe", opt={"access": Access.PUBLIC}, media_type="text/html")
    async def unsubscribe_page(self, token: Token) -> Response[str]:
        """The link in the e-mail footer: asks first (mail scanners follow links)."""
        language, kind_label = await unsubscribe.unsubscribe_preview(token)
        question = message("unsubscribe_confirm", language, label=kind_label)
        button = message("unsubscribe_button", language)
        form = (
            f"<h1>{escape(question)}</h1>"
            f'<form method="post" action="/api/notifications/unsubscribe?token={escape(token)}">'
            '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
            f'<button type="submit">{escape(button)}</button></form>'
        )
        return _page(language, button, form)

    @post(
        "/unsubscribe",
        opt={"access": Access.PUBLIC, "exclude_from_csrf": True},
        media_type="text/html",
        status_code=HTTP_200_OK,
    )
    async def unsubscribe(self, token: Token) -> Response[str]:
        """RFC 8058 one-click: the mail provider POSTs `List-Unsubscribe=One-Click` with no
        cookie, so the signed token alone identifies person and kind (no CSRF token)."""
        language, kind_label = await unsubscribe.unsubscribe(token)
        done = message("unsubscribe_done", language, label=kind_label)
        return _page(language, done, f"<p>{escape(done)}</p>")
