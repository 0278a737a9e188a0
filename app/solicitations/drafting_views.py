"""Staff pages that speed up drafting: copy a solicitation into a new draft, add many price-sheet
lines at once, and download the price sheet in the vendors' template."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from app.accounts.forms import ActionForm
from app.core.errors import DomainError
from app.core.files import describe_size, read_upload
from app.core.permissions import forbid_unless, roles_required
from app.core.roles import AGENCY_STAFF
from app.core.web import commit_or_flash
from app.extensions import db
from app.solicitations import drafting, pricesheet_files
from app.solicitations.blueprint import bp
from app.solicitations.forms import ImportLinesForm
from app.solicitations.models import Solicitation
from app.solicitations.staff_views import OFFICERS, load_for_staff


@bp.route("/agency/solicitations/<int:solicitation_id>/copy", methods=["POST"])
@roles_required(*OFFICERS)
def copy(solicitation_id: int):
    source = load_for_staff(solicitation_id)
    forbid_unless(source.can_manage(current_user))
    if not ActionForm().validate_on_submit():
        abort(400)
    draft = drafting.copy_solicitation(current_user, source)
    db.session.commit()
    flash(f"Draft {draft.number} created from {source.number}. Set its dates and public notices, check the "
          "rest and save.", "success")
    return redirect(url_for("solicitations.edit", solicitation_id=draft.id))


@bp.route("/agency/solicitations/<int:solicitation_id>/price-sheet.<any(xlsx, csv):fmt>")
@roles_required(*AGENCY_STAFF)
def staff_price_template(solicitation_id: int, fmt: str):
    """The price sheet in the vendors' template, at any status (a draft's is not public yet)."""
    s = load_for_staff(solicitation_id)
    name = f"{s.number}-price-sheet.{fmt}"
    if fmt == "xlsx":
        return Response(pricesheet_files.template_xlsx(s),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return Response(pricesheet_files.template_csv(s), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/agency/solicitations/<int:solicitation_id>/price-sheet/import", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def import_lines(solicitation_id: int):
    s = load_for_staff(solicitation_id)
    forbid_unless(s.can_manage(current_user))
    if not s.can_edit(current_user):
        flash("Only a draft's price sheet can be changed. A published solicitation changes through an "
              "addendum.", "warning")
        return redirect(url_for("solicitations.manage", solicitation_id=s.id))
    form = ImportLinesForm()
    if form.validate_on_submit():
        parsed, source = _parse(s, form)
        if parsed is not None and not parsed.errors:
            added = len(parsed.lines)
            if commit_or_flash(lambda: drafting.add_price_sheet_lines(current_user, s, parsed.lines, field=source,
                                                                      replace=form.mode.data == "replace",
                                                                      source=source),
                               lambda total: f"{added} line{'s' if added != 1 else ''} added to the price sheet; "
                                             f"it now has {total}.", form=form):
                return redirect(url_for("solicitations.edit", solicitation_id=s.id, _anchor="items"))
    status = 422 if any(f.errors for f in form) else 200
    return render_template("solicitations/import_lines.html", s=s, form=form,
                           max_lines=pricesheet_files.MAX_LINES, max_size=describe_size(_max_bytes())), status


def _max_bytes() -> int:
    return current_app.config["MAX_BID_DOCUMENT_BYTES"]  # the limit on the vendors' price file


def _parse(s: Solicitation, form: ImportLinesForm) -> tuple[drafting.ParsedLines | None, str]:
    """The lines of the uploaded file or of the text box; errors go beside that field."""
    typed = (form.lines.data or "").strip()
    if form.has_file and typed:
        form.lines.errors.append("Use either a file or typed lines, not both.")
        return None, "lines"
    if not form.has_file and not typed:
        form.price_file.errors.append("Choose a price-sheet file, or type the lines below.")
        return None, "price_file"
    field = form.price_file if form.has_file else form.lines
    try:
        if form.has_file:
            upload = form.price_file.data
            pricesheet_files.file_extension(upload.filename)  # the type is refused before reading
            data, size = read_upload(upload, _max_bytes())
            if size > _max_bytes():
                raise DomainError(f"{upload.filename} is too large ({describe_size(size)}); the limit is "
                                  f"{describe_size(_max_bytes())}.", field="price_file")
            parsed = drafting.parse_template_rows(pricesheet_files.read_template(upload.filename, data))
        else:
            parsed = drafting.parse_typed_lines(typed)
    except DomainError as exc:
        field.errors.append(exc.message)
        return None, field.name
    if not parsed.errors and not parsed.lines:
        parsed.errors.append("There are no lines below the header." if form.has_file else "There are no lines.")
    if parsed.errors:
        field.errors.extend([*parsed.errors, "Nothing was added; correct these and try again."])
    return parsed, field.name
