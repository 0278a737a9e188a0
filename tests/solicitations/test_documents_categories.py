"""Solicitation documents (stored outside the web root, served only once the solicitation is
public, checked on upload) and the `flask categories import` command."""
from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import User
from app.audit.models import AuditEvent
from app.core import clock
from app.extensions import db
from app.solicitations import services
from app.solicitations.models import Category, Solicitation, SolicitationDocument, SolicitationStatus
from tests.conftest import login

UTC = timezone.utc
NOW = datetime(2027, 1, 15, 15, 0, tzinfo=UTC)
PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def client_for(app, user):
    client = app.test_client()
    response = login(client, user)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def upload(client, solicitation_id: int, filename: str | None, data: bytes, title: str = "", **kwargs):
    form = {"title": title}
    if filename is not None:
        form["file"] = (io.BytesIO(data), filename)
    return client.submit(f"/agency/solicitations/{solicitation_id}/documents", form,
                         content_type="multipart/form-data", **kwargs)


def stored_files(app) -> list[Path]:
    return sorted(p for p in Path(app.config["STORAGE_DIR"]).rglob("*") if p.is_file())


def documents(app) -> list[SolicitationDocument]:
    with app.app_context():
        rows = db.session.scalars(select(SolicitationDocument).order_by(SolicitationDocument.id)).all()
        db.session.expunge_all()
        return rows


def walk_to_published(app, s) -> None:
    with app.test_request_context():
        solicitation = db.session.get(Solicitation, s.id)
        for status, user in ((SolicitationStatus.PENDING_APPROVAL, s.agency.officer),
                             (SolicitationStatus.APPROVED, s.agency.approver),
                             (SolicitationStatus.PUBLISHED, s.agency.officer)):
            services.change_status(db.session.get(User, user.id), solicitation, status)
            db.session.commit()


def docx(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.fixture
def draft(make_solicitation):
    clock.freeze(NOW)
    return make_solicitation()


@pytest.fixture(autouse=True)
def _empty_storage(app):
    """Files are not rows: the database clean-up does not remove them."""
    for path in stored_files(app):
        path.unlink()
    yield


# ----------------------------------------------------------------------------- documents
def test_pdf_uploaded_to_a_draft_is_served_only_once_public(app, draft, vendor, other_agency):
    officer = client_for(app, draft.agency.officer)
    response = upload(officer, draft.id, "Specifications v2.pdf", PDF, title="  Technical specifications  ",
                      follow_redirects=True)
    assert response.status_code == 200
    assert "Specifications v2.pdf uploaded." in response.get_data(as_text=True)

    [doc] = documents(app)
    assert (doc.solicitation_id, doc.title, doc.filename) == (draft.id, "Technical specifications",
                                                              "Specifications v2.pdf")
    assert (doc.content_type, doc.size, doc.sha256) == ("application/pdf", len(PDF), hashlib.sha256(PDF).hexdigest())
    assert doc.uploaded_by_id == draft.agency.officer.id
    # Stored under a generated name, outside the web root.
    [path] = stored_files(app)
    assert path.name == doc.storage_key and path.read_bytes() == PDF
    assert "Specifications" not in str(path)
    web_root = Path(app.static_folder).resolve()
    assert not path.resolve().is_relative_to(web_root)
    assert not path.resolve().is_relative_to(Path(app.root_path).resolve())
    assert app.test_client().get(f"/static/{doc.storage_key[:2]}/{doc.storage_key}").status_code == 404
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
        assert event.data["sha256"] == doc.sha256 and event.data["solicitation"] == draft.number

    url = f"/solicitations/{draft.number}/documents/{doc.id}"
    # Not public yet: the document does not exist for anyone outside the agency.
    for client in (app.test_client(), client_for(app, vendor), client_for(app, other_agency.officer)):
        assert client.get(url).status_code == 404
    assert officer.get(url).status_code == 200  # the agency's staff can check it

    walk_to_published(app, draft)
    for client in (app.test_client(), client_for(app, vendor)):
        response = client.get(url)
        assert response.status_code == 200
        assert response.data == PDF
        assert response.mimetype == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment;") and "Specifications" in disposition
    page = app.test_client().get(f"/solicitations/{draft.number}").get_data(as_text=True)
    assert f'href="{url}"' in page and "Technical specifications" in page


def test_documents_are_found_only_under_their_own_solicitation(app, draft, make_solicitation):
    other = make_solicitation("published", title="Another one")
    officer = client_for(app, draft.agency.officer)
    assert upload(officer, draft.id, "spec.pdf", PDF).status_code == 302
    [doc] = documents(app)
    walk_to_published(app, draft)
    anonymous = app.test_client()
    assert anonymous.get(f"/solicitations/{draft.number}/documents/{doc.id}").status_code == 200
    assert anonymous.get(f"/solicitations/{other.number}/documents/{doc.id}").status_code == 404
    assert anonymous.get(f"/solicitations/{draft.number}/documents/{doc.id + 1}").status_code == 404


def test_word_and_excel_files_are_accepted_when_they_really_are(app, draft):
    officer = client_for(app, draft.agency.officer)
    real = docx({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert upload(officer, draft.id, "Forms.docx", real).status_code == 302
    sheet = docx({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
    assert upload(officer, draft.id, "Price sheet.XLSX", sheet).status_code == 302
    assert [(d.filename, d.content_type) for d in documents(app)] == [
        ("Forms.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("Price sheet.XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ]


BAD_UPLOADS = {
    # name: (file name, content, message)
    "not_really_a_pdf": ("spec.pdf", b"MZ\x90\x00\x03 this is a program",
                         "spec.pdf does not contain what a .pdf file should; it may be damaged or renamed."),
    "html_named_pdf": ("spec.pdf", b"<html><script>alert(1)</script></html>",
                       "spec.pdf does not contain what a .pdf file should"),
    "zip_named_docx": ("forms.docx", docx({"readme.txt": b"hello"}),
                       "forms.docx does not contain what a .docx file should"),
    "program": ("setup.exe", b"MZ\x90\x00\x03", "setup.exe: this type of file is not accepted. "
                                               "Upload one of: DOCX, PDF, XLSX."),
    "pdf_content_exe_name": ("spec.pdf.exe", PDF, "spec.pdf.exe: this type of file is not accepted."),
    "no_extension": ("README", PDF, "README: this type of file is not accepted."),
    "empty": ("empty.pdf", b"", "empty.pdf is empty."),
    "too_large": ("big.pdf", PDF + b" " * (100 * 1024), "big.pdf is too large (100 KB); the limit is 64 KB."),
    "path_up": ("../../etc/passwd.pdf", PDF, "The file name must be a plain name without folders (no / or \\)."),
    "path_absolute": ("/var/www/spec.pdf", PDF, "The file name must be a plain name without folders"),
    "hidden_name": (".htaccess.pdf", PDF, "The file name must not start with a dot"),
    "no_file": (None, b"", "Choose a file to upload."),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_are_refused_with_a_message(app, draft, monkeypatch, case):
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", 64 * 1024)
    filename, data, message = BAD_UPLOADS[case]
    officer = client_for(app, draft.agency.officer)
    response = upload(officer, draft.id, filename, data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/agency/solicitations/{draft.id}#documents")
    page = officer.get(response.headers["Location"]).get_data(as_text=True)
    from markupsafe import escape

    assert str(escape(message)) in page, page[page.find("flash-messages"):][:600]
    assert documents(app) == []
    assert stored_files(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "document.uploaded")) == 0


@pytest.mark.parametrize("name", ["C:\\Users\\pat\\spec.pdf", "..\\spec.pdf", "spec\x00.pdf", "a/b.pdf"])
def test_file_names_with_folders_are_refused_by_the_check_itself(name):
    """Browsers send bare names (and the form parser unescapes backslashes), so these are
    checked directly: a name is never a path."""
    from app.core.errors import DomainError
    from app.core.files import check_upload

    with pytest.raises(DomainError, match="plain name without folders"):
        check_upload(name, PDF, allowed={"pdf"}, max_bytes=1_000_000)
    assert check_upload("spec.pdf", PDF, allowed={"pdf"}, max_bytes=1_000_000).filename == "spec.pdf"
    with pytest.raises(DomainError, match="The file name is too long"):
        check_upload("x" * 197 + ".pdf", PDF, allowed={"pdf"}, max_bytes=1_000_000)


def test_a_file_at_the_limit_is_accepted(app, draft, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_DOCUMENT_BYTES", 64 * 1024)
    officer = client_for(app, draft.agency.officer)
    exact = PDF + b" " * (64 * 1024 - len(PDF))
    assert upload(officer, draft.id, "exact.pdf", exact).status_code == 302
    assert [d.size for d in documents(app)] == [64 * 1024]


def test_only_officers_upload_and_only_before_publication(app, draft, make_solicitation, vendor, other_agency):
    for user in (draft.agency.evaluator, draft.agency.approver, vendor):
        assert upload(client_for(app, user), draft.id, "spec.pdf", PDF).status_code == 403
    # Another agency's officer: 404, as for an id that does not exist.
    assert upload(client_for(app, other_agency.officer), draft.id, "spec.pdf", PDF).status_code == 404
    published = make_solicitation("published", title="Already out")
    officer = client_for(app, draft.agency.officer)
    response = upload(officer, published.id, "late.pdf", PDF, follow_redirects=True)
    assert "Documents of a published solicitation are added through an addendum." in response.get_data(as_text=True)
    # Without the CSRF token nothing is accepted either.
    response = officer.post(f"/agency/solicitations/{draft.id}/documents",
                            data={"file": (io.BytesIO(PDF), "spec.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert documents(app) == [] and stored_files(app) == []


# ----------------------------------------------------------------------------- categories
def _builtin_count() -> int:
    text = services.BUILTIN_CATEGORIES.read_text(encoding="utf-8")
    return len([line for line in text.splitlines()[1:] if line.strip()])


def _categories(app) -> dict[str, str]:
    with app.app_context():
        return dict(db.session.execute(select(Category.code, Category.name)).all())


def test_builtin_categories_import_is_idempotent(app, runner):
    expected = _builtin_count()
    assert expected > 10
    result = runner.invoke(args=["categories", "import"])
    assert result.exit_code == 0, result.output
    assert f"categories: {expected} created, 0 renamed, 0 rows skipped" in result.output
    first = _categories(app)
    assert len(first) == expected

    again = runner.invoke(args=["categories", "import"])
    assert again.exit_code == 0
    assert "categories: 0 created, 0 renamed, 0 rows skipped" in again.output
    assert _categories(app) == first
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)
                                 .where(AuditEvent.action == "categories.imported")) == 1


def test_a_csv_with_bad_rows_keeps_the_good_ones_and_names_the_lines(app, runner, tmp_path):
    with app.app_context():
        db.session.add(Category(code="300-00", name="Old name"))
        db.session.commit()
    csv_file = tmp_path / "categories.csv"
    csv_file.write_text(
        "code,name\n"                                   # line 1
        "100-00,Athletic equipment\n"                   # 2
        ",A name without a code\n"                      # 3: bad
        '200-00,"Buses, vans and parts"\n'              # 4
        "250-00,Too,many,columns\n"                     # 5: bad
        "300-00,New name\n"                             # 6: renamed
        f"{'9' * 17},Code too long\n"                   # 7: bad
        "400-00,\n",                                    # 8: bad
        encoding="utf-8")
    result = runner.invoke(args=["categories", "import", str(csv_file)])
    assert result.exit_code == 2, result.output
    assert "categories: 2 created, 1 renamed, 4 rows skipped" in result.output
    for line in (3, 5, 7, 8):
        assert f"Line {line}:" in result.output, (line, result.output)
    assert "Line 5: too many columns; put names that contain commas in quotes." in result.output
    for line in (2, 4, 6):
        assert f"Line {line}:" not in result.output
    assert _categories(app) == {"100-00": "Athletic equipment", "200-00": "Buses, vans and parts",
                                "300-00": "New name"}


def test_a_csv_without_the_header_is_refused(app, runner, tmp_path):
    csv_file = tmp_path / "categories.csv"
    csv_file.write_text("100-00,Athletic equipment\n", encoding="utf-8")
    result = runner.invoke(args=["categories", "import", str(csv_file)])
    assert result.exit_code == 2
    assert "The first line must be the header: code,name" in result.output
    assert _categories(app) == {}


def test_an_upload_whose_transaction_fails_leaves_no_file_behind(app, draft, monkeypatch):
    """The file is written with the transaction: refused after the write (here the audit record
    fails), the row is rolled back and the stored file with it, never an orphan on disk."""
    from app.core.errors import DomainError
    from app.solicitations import drafting

    def refuse(*args, **kwargs):
        raise DomainError("The audit trail is not available.")

    monkeypatch.setattr(drafting, "record", refuse)
    officer = client_for(app, draft.agency.officer)
    response = upload(officer, draft.id, "spec.pdf", PDF)
    assert response.status_code == 302
    assert "The audit trail is not available." in officer.get(response.headers["Location"]).get_data(as_text=True)
    assert documents(app) == [] and stored_files(app) == []
