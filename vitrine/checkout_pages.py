"""The checkout pages a viewer sees, in their language and under the brand of the live
they bought in: the cart with its pay button, and every page that says why it can't be
paid. Viewer-given and catalog text is escaped here; the words come from
`prompts/checkout_pages/`."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime

from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from commerce.models import LineStatus, Order, OrderStatus
from kernel.models import LiveSession, Viewer
from kernel.money import format_money
from live.announce import ShopVoice
from prompts.page_texts import page_texts

_PAGE = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">{head}<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem}}
.test{{background:#fff3cd;border:2px solid #e0a800;padding:.6rem;border-radius:.4rem}}
table{{width:100%;border-collapse:collapse}}td,th{{padding:.35rem 0;border-bottom:1px solid #eee}}
th{{text-align:left}}.n{{text-align:right}}.opt{{color:#555;font-size:.9em}}
.err{{color:#b00020}}input,select{{font-size:1rem;padding:.4rem;width:100%;box-sizing:border-box}}
fieldset{{border:0;padding:0;margin:1rem 0}}label{{display:block;margin-top:.5rem}}
button{{font-size:1.3rem;padding:.9rem 2rem;margin-top:1rem;width:100%;cursor:pointer}}
</style></head><body><h1>{title}</h1>{body}</body></html>"""


@dataclass(frozen=True, slots=True)
class BuyerForm:
    """The shipping form as shown: the countries offered, what was typed, what is wrong."""

    countries: tuple[str, ...]
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


_CLOSED = {OrderStatus.EXPIRED: "closed_expired", OrderStatus.CANCELLED: "closed_cancelled"}


@dataclass(frozen=True, slots=True)
class CheckoutPages:
    """The pages in one language, for one brand."""

    language: str
    brand: str

    @classmethod
    def for_order(cls, session: Session, order: Order, shop: ShopVoice) -> CheckoutPages:
        """The viewer's language (else the live's, else the shop's) and the live's brand."""
        viewer = session.get(Viewer, order.viewer_id)
        live = session.get(LiveSession, order.session_id)
        language = (
            (viewer.language if viewer else None)
            or (live.language if live else None)
            or shop.default_language
        )
        return cls(language, (live.brand if live else None) or shop.brand)

    @classmethod
    def for_shop(cls, shop: ShopVoice) -> CheckoutPages:
        """For a page with no cart behind it (a link that leads nowhere)."""
        return cls(shop.default_language, shop.brand)

    def text(self, key: str, **values: object) -> str:
        """One of our texts, its values escaped."""
        escaped = {k: html.escape(str(v)) for k, v in values.items()}
        return page_texts(self.language)[key].format(brand=html.escape(self.brand), **escaped)

    def page(
        self, title: str, body: str, status: int = 200, *, refresh_s: int | None = None
    ) -> Response:
        """A page; `title` and `body` already escaped."""
        head = f'<meta http-equiv="refresh" content="{refresh_s}">' if refresh_s else ""
        lang = self.language if self.language.isalpha() else "en"
        return HTMLResponse(
            _PAGE.format(lang=lang, head=head, title=title, body=body),
            status_code=status,
            headers={"Cache-Control": "no-store"},  # a cart's page changes with every payment
        )

    def cart(
        self,
        order: Order,
        now: datetime,
        *,
        action: str,
        test: bool,
        buyer_form: BuyerForm | None = None,
    ) -> Response:
        """The cart, the time it is held, and the pay button; with `buyer_form`, the
        fields the brand needs to ship it (a provider's own page asks for them instead)."""
        warning = f"<p class=test>{self.text('test_warning')}</p>" if test else ""
        title = self.text("cart_title_test" if test else "cart_title")
        button = self.text("pay_test" if test else "pay")
        fields = self._buyer_fields(buyer_form) if buyer_form is not None else ""
        errors = ""
        if buyer_form is not None and buyer_form.errors:
            errors = f"<p class=err role=alert>{self.text('form_has_errors')}</p>"
        form = (
            f'<form method="post" action="{html.escape(action, quote=True)}">'
            f"{fields}<button type=submit>{button}</button></form>"
        )
        body = warning + errors + self.table(order) + self._time_left(order, now) + form
        return self.page(title, body, 422 if errors else 200)

    def _buyer_fields(self, form: BuyerForm) -> str:
        """Labelled inputs, refilled with what was typed, each error said beside its field."""
        wanted = [
            ("name", "text", "name", True),
            ("email", "email", "email", True),
            ("phone", "tel", "tel", False),
        ]
        if form.countries:
            wanted += [
                ("line1", "text", "address-line1", True),
                ("line2", "text", "address-line2", False),
                ("postal_code", "text", "postal-code", True),
                ("city", "text", "address-level2", True),
                ("state", "text", "address-level1", False),
            ]
        rows = [f"<h2>{self.text('ship_title')}</h2>"]
        for name, kind, autocomplete, required in wanted:
            value = html.escape(form.values.get(name, ""), quote=True)
            rows.append(
                f"<label>{self._label(name, required)}<br><input name={name} type={kind} "
                f'autocomplete={autocomplete} value="{value}"{" required" if required else ""}>'
                f"</label>{self._error(form, name)}<br>"
            )
        if form.countries:
            chosen = form.values.get("country", form.countries[0]).upper()
            options = "".join(
                f"<option{' selected' if c == chosen else ''}>{html.escape(c)}</option>"
                for c in form.countries
            )
            rows.append(
                f"<label>{self._label('country', True)}<br><select name=country "
                f"autocomplete=country>{options}</select></label>{self._error(form, 'country')}"
            )
        return "<fieldset>" + "".join(rows) + "</fieldset>"

    def _label(self, name: str, required: bool) -> str:
        label = self.text(f"field_{name}")
        return label if required else f"{label} ({self.text('optional')})"

    def _error(self, form: BuyerForm, name: str) -> str:
        why = form.errors.get(name)
        return f" <span class=err>{self.text(f'error_{why}')}</span>" if why else ""

    def table(self, order: Order) -> str:
        rows = []
        for line in order.lines:
            if line.status != LineStatus.ACTIVE:
                continue
            options = ", ".join(
                f"{self.option_label(key)}: {value}"
                for key, value in line.variant.options.items()
                if value is not None
            )
            option_html = f"<div class=opt>{html.escape(options)}</div>" if options else ""
            unit = html.escape(format_money(line.unit_price_minor, order.currency))
            amount = format_money(line.unit_price_minor * line.quantity, order.currency)
            rows.append(
                f"<tr><td>{html.escape(line.product.name)}{option_html}</td>"
                f"<td class=n>{line.quantity}</td><td class=n>{unit}</td>"
                f"<td class=n>{html.escape(amount)}</td></tr>"
            )
        total = html.escape(format_money(order.total_minor, order.currency))
        t = self.text
        return (
            f"<table><tr><th>{t('item')}</th><th class=n>{t('quantity')}</th>"
            f"<th class=n>{t('unit_price')}</th><th class=n>{t('amount')}</th></tr>"
            f"{''.join(rows)}<tr><td colspan=3><b>{t('total')}</b></td>"
            f"<td class=n><b id=total>{total}</b></td></tr></table>"
        )

    def option_label(self, key: str) -> str:
        """An option's name for people ("Taille", not "size")."""
        return page_texts(self.language).get(f"option_{key}") or key.replace("_", " ").title()

    def _time_left(self, order: Order, now: datetime) -> str:
        if order.expires_at is None:
            return f"<p>{self.text('first_paid')}</p>"
        seconds = max(0, int((order.expires_at - now).total_seconds()))
        held = self.text(
            "held_for",
            minutes=seconds // 60,
            seconds=f"{seconds % 60:02d}",
            until=order.expires_at.strftime("%H:%M"),
        )
        return f"<p id=time-left>{held}</p>"

    def paid(self, order: Order) -> Response:
        note = self.text("paid_test_note") if order.checkout_provider == "local" else ""
        text = self.text("paid_text", order=order.id, note=note)
        return self.page(self.text("paid_title"), self.table(order) + f"<p>{text}</p>")

    def closed(self, status: str | None) -> Response:
        try:
            key = _CLOSED.get(OrderStatus(status or ""), "closed_other")
        except ValueError:
            key = "closed_other"
        body = f"<p>{self.text(key)} {self.text('comment_again')}</p>"
        return self.page(self.text("closed_title"), body, 410)

    def sold_out(self, token: str, names: list[str]) -> Response:
        """A "first paid" cart whose items went to faster buyers: said before any money
        moves, with the waitlist offered."""
        items = "".join(f"<li>{html.escape(name)}</li>" for name in names)
        action = html.escape(f"/checkout/{token}/waitlist", quote=True)
        return self.page(
            self.text("sold_out_title"),
            f"<p>{self.text('sold_out_text')}</p><ul>{items}</ul>"
            f'<form method="post" action="{action}"><button type=submit>'
            f"{self.text('join_waitlist')}</button></form>",
            409,
        )

    def sold_out_at_payment(self, item: str) -> Response:
        body = f"<p>{self.text('sold_out_at_payment', item=item)}</p>"
        return self.page(self.text("sold_out_title"), body, 409)

    def waitlisted(self, places: list[tuple[str, int]]) -> Response:
        items = "".join(
            f"<li>{self.text('waitlist_place', item=name, position=position)}</li>"
            for name, position in places
        )
        body = f"<ul>{items}</ul><p>{self.text('waitlist_text')}</p>"
        return self.page(self.text("waitlist_title"), body)

    def not_found(self) -> Response:
        return self.page(self.text("not_found_title"), f"<p>{self.text('not_found_text')}</p>", 404)

    def confirming(self) -> Response:
        body = f"<p>{self.text('confirming_text')}</p>"
        return self.page(self.text("confirming_title"), body, refresh_s=5)

    def retry(self) -> Response:
        return self.page(self.text("retry_title"), f"<p>{self.text('retry_text')}</p>", 503)

    def unavailable(self) -> Response:
        body = f"<p>{self.text('unavailable_text')}</p>"
        return self.page(self.text("unavailable_title"), body, 503)
