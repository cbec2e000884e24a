"""What the QR on a parents' letter opens: the letter's school, class and campaign, and a confirmation form.

Nothing about other children is shown or revealed: a repeat confirmation gets the same thank-you."""
from __future__ import annotations

from flask import render_template, request

from ..campaigns.letters import receipts
from ..campaigns.letters.schemas import PublicReceiptIn
from ..errors import ApiError
from . import forms
from .blueprint import bp


@bp.route("/r/<string:token>", methods=["GET", "POST"])
def parent_receipt(token):
    letter = receipts.letter_by_token(token)
    error, done = None, False
    if request.method == "POST":
        try:
            data = forms.load(PublicReceiptIn, {"child": forms.text("child"), "signer": forms.text("signer")})
            receipts.confirm_from_public(token, data["child"], data["signer"])
            done = True
        except ApiError as problem:
            if problem.status in (404, 429):
                raise
            messages = [m for problems in (problem.fields or {}).values() for m in problems]
            error = " ".join(messages) or str(problem.message)
    return render_template("pages/parent_receipt.html", letter=letter, view=receipts.public_view(letter, done),
                           error=error, done=done, phone=True)
