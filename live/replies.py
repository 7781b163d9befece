"""Commerce outcomes and moderation verdicts become replies, in the viewer's language.

This is the one place where domain results turn into words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from commerce.outcomes import (
    ClaimCancelled,
    DuplicateClaim,
    HoldExpired,
    LimitReached,
    NothingToCancel,
    OptionNeeded,
    OptionUnavailable,
    OrderPaid,
    Outcome,
    RefundDue,
    Reserved,
    UnknownProduct,
    Waitlisted,
    WaitlistPromoted,
)
from commerce.payment_rules import PAID_AFTER_EXPIRY_NEEDS_REFUND, SOLD_OUT_NEEDS_REFUND
from kernel.money import format_money
from live.messages import Reply, ReplyKind
from moderation.verdict import Verdict
from prompts.replies import render, templates

# Refunds for a unit that went to another buyer meanwhile; the others are for money that
# does not fit the cart (a second payment, another amount).
_LOST_TO_ANOTHER = frozenset({PAID_AFTER_EXPIRY_NEEDS_REFUND, SOLD_OUT_NEEDS_REFUND})


@dataclass(frozen=True, slots=True)
class ReplyContext:
    """Who we answer and how: name, language, shop identity, and the cart link if any."""

    viewer_name: str
    viewer_platform_id: str
    language: str
    brand: str
    checkout_url: str | None = None
    cart_summary: str | None = None
    cart_total: str | None = None
    reply_to_message_id: str | None = None
    cart_items: tuple[tuple[str, str], ...] = ()  # (product SKU, label) of each line


def _hold(language: str, expires_at: datetime | None, now: datetime) -> str:
    if expires_at is None:
        return ""
    minutes = max(1, round((expires_at - now).total_seconds() / 60))
    return render("reserved_hold", language, minutes=minutes)


def _checkout_dm(ctx: ReplyContext, expires_at: datetime | None) -> Reply | None:
    if ctx.checkout_url is None:
        return None
    hold = ""
    if expires_at is not None:
        hold = render("checkout_dm_hold", ctx.language, until=expires_at.strftime("%H:%M"))
    text = render(
        "checkout_dm",
        ctx.language,
        brand=ctx.brand,
        items=ctx.cart_summary or "",
        total=ctx.cart_total or "",
        hold=hold,
        url=ctx.checkout_url,
    )
    return Reply(
        ReplyKind.PRIVATE,
        text,
        to_author_id=ctx.viewer_platform_id,
        data={
            "checkout_url": ctx.checkout_url,
            "user_name": ctx.viewer_name,
            "language": ctx.language,
            "items": [list(item) for item in ctx.cart_items],
        },
    )


def _option_word(option: str, language: str) -> str:
    return templates(language).get(f"option_word_{option}") or option


def replies_for(outcome: Outcome, ctx: ReplyContext, now: datetime) -> list[Reply]:
    """The public and private replies that tell a viewer what happened."""
    lang, name = ctx.language, ctx.viewer_name

    def public(key: str, **values: object) -> Reply:
        return Reply(
            ReplyKind.PUBLIC,
            render(key, lang, name=name, **values),
            to_author_id=ctx.viewer_platform_id,
            reply_to_message_id=ctx.reply_to_message_id,
        )

    match outcome:
        case Reserved(item=item, expires_at=expires_at):
            if expires_at is None:  # "first paid, first served": nothing is held
                out = [public("added_first_paid", item=item.label())]
            else:
                out = [public("reserved", item=item.label(), hold=_hold(lang, expires_at, now))]
            dm = _checkout_dm(ctx, expires_at)
            return [*out, dm] if dm else out
        case WaitlistPromoted(item=item, expires_at=expires_at):
            out = [public("promoted", item=item.label(), hold=_hold(lang, expires_at, now))]
            dm = _checkout_dm(ctx, expires_at)
            return [*out, dm] if dm else out
        case Waitlisted(item=item, position=position):
            return [public("waitlisted", item=item.label(), position=position)]
        case OptionNeeded(product_name=product, option=option, values_in_stock=values):
            return [
                public(
                    "ask_option",
                    product=product,
                    option=_option_word(option, lang),
                    values=", ".join(values) or "—",
                )
            ]
        case OptionUnavailable(product_name=product, wanted=wanted, values_in_stock=values):
            return [
                public(
                    "option_unavailable",
                    product=product,
                    wanted=" ".join(v for _, v in wanted),
                    values=", ".join(values) or "—",
                )
            ]
        case LimitReached(product_name=product, limit=limit):
            return [public("limit_reached", product=product, limit=limit)]
        case ClaimCancelled(items=items):
            return [public("cancelled", items=", ".join(i.label() for i in items))]
        case NothingToCancel():
            return [public("nothing_to_cancel")]
        case HoldExpired(items=items):
            return [
                Reply(
                    ReplyKind.PRIVATE,
                    render(
                        "hold_expired", lang, name=name, items=", ".join(i.label() for i in items)
                    ),
                    to_author_id=ctx.viewer_platform_id,
                )
            ]
        case OrderPaid(order_id=order_id, total_minor=total, currency=currency):
            return [public("paid", order=order_id, total=format_money(total, currency))]
        case RefundDue(reason=reason, amount_minor=amount, currency=currency):
            key = "refund_sold_out" if reason in _LOST_TO_ANOTHER else "refund_other"
            shown = "" if amount is None else f" ({format_money(amount, currency)})"
            text = render(key, lang, name=name, amount=shown, brand=ctx.brand)
            return [Reply(ReplyKind.PRIVATE, text, to_author_id=ctx.viewer_platform_id)]
        case UnknownProduct():
            return [public("unknown_product")]
        case DuplicateClaim():
            return []
    return []


def moderation_reply(
    verdict: Verdict,
    *,
    author_id: str,
    message_id: str,
    author_name: str = "",
    text: str = "",
) -> Reply:
    """The platform action that applies a removing verdict to one message and its author
    (with the author's name and the removed text, for whoever watches it happen)."""
    return Reply(
        ReplyKind.MODERATION,
        "",
        to_author_id=author_id,
        reply_to_message_id=message_id,
        data={
            "action": verdict.action.value,
            "reasons": list(verdict.reasons),
            "duration_s": verdict.duration_s,
            "message_id": message_id,
            "user_name": author_name,
            "text": text,
        },
    )
