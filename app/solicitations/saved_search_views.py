"""A vendor user's saved searches: save one (from this page or from the public list's "Save this
search"), see them, run them, delete them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import Length

from app.accounts.forms import ActionForm
from app.core.geo import US_STATES
from app.core.numbers import parse_id
from app.core.permissions import forbid_unless, get_or_404
from app.core.web import commit_or_flash
from app.extensions import db
from app.solicitations.models import Category
from app.solicitations.saved_searches import MAX_QUERY, SavedSearch, delete_search, save_search, searches_of

bp = Blueprint("saved_searches", __name__)


class SavedSearchForm(FlaskForm):
    q = StringField("Words to look for", validators=[Length(max=MAX_QUERY)],
                    description="Every word must appear in the title, summary or number, as in the search "
                                "of open solicitations.")
    category = SelectField("Category", validate_choice=False)
    state = SelectField("State of the agency", validate_choice=False)
    submit = SubmitField("Save this search")

    def fill_choices(self, categories: list[Category]) -> None:
        self.category.choices = [("", "All categories"), *((str(c.id), c.name) for c in categories)]
        self.state.choices = [("", "All states"), *US_STATES.items()]


def _require_vendor() -> None:
    forbid_unless(current_user.organization.is_vendor)


def _render(form: SavedSearchForm, status: int = 200):
    categories = db.session.scalars(select(Category).order_by(Category.code)).all()
    form.fill_choices(categories)
    return render_template("solicitations/saved_searches.html", form=form, searches=searches_of(current_user),
                           action_form=ActionForm()), status


@bp.route("/vendor/searches", methods=["GET"])
@login_required
def index():
    _require_vendor()
    return _render(SavedSearchForm())


@bp.route("/vendor/searches", methods=["POST"])
@login_required
def create():
    _require_vendor()
    form = SavedSearchForm()
    if form.validate_on_submit():
        category = form.category.data or ""
        if commit_or_flash(lambda: save_search(current_user, q=form.q.data,
                                               category_id=parse_id(category),
                                               state=form.state.data or None),
                           "Search saved. New solicitations that match it will be e-mailed to you when they are "
                           "published.", form=form):
            return redirect(url_for("saved_searches.index"))
    return _render(form, 422)


@bp.route("/vendor/searches/<int:search_id>/delete", methods=["POST"])
@login_required
def delete(search_id: int):
    _require_vendor()
    search = get_or_404(SavedSearch, search_id)
    if not search.can_manage(current_user):
        abort(404)  # another person's search is not disclosed
    if ActionForm().validate_on_submit():
        label = search.label
        delete_search(current_user, search)
        db.session.commit()
        flash(f"Saved search {label} deleted.", "success")
    return redirect(url_for("saved_searches.index"))
