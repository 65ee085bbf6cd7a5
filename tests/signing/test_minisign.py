"""minisign-compatible keys and signatures: against files the real minisign made, and against the tool itself."""
from __future__ import annotations

import base64
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from handoff_assistant.signing import (MINISIGN_LIMITS, PasswordRequired, ScryptLimits, SignatureError, WrongPassword,
                                       load_public_key, load_secret_key, read_public_key, read_secret_key,
                                       secret_key_needs_password, sign, verify, write_keypair)
from tests.support.minisign_keys import FAST_MEMLIMIT, FAST_OPSLIMIT, encrypted_key, fast_limits

FAST = fast_limits()

DATA = Path(__file__).parent.parent / "data" / "minisign"
MINISIGN = shutil.which("minisign")
needs_minisign = pytest.mark.skipif(MINISIGN is None, reason="the minisign tool is not installed (apt install "
                                                             "minisign); the files in tests/data/minisign cover "
                                                             "the format")


def test_a_signature_made_by_minisign_verifies_with_its_public_key():
    verified = verify((DATA / "hello.txt").read_bytes(), (DATA / "hello.txt.minisig").read_text(),
                      load_public_key(DATA / "minisign-made.pub"))
    assert (verified.key_id, verified.trusted_comment) == ("47CF65F4B910ADD6", "tc here")


def test_a_secret_key_made_by_minisign_loads_and_matches_its_public_key():
    secret = load_secret_key(DATA / "minisign-made-unencrypted.key")
    assert secret.public == load_public_key(DATA / "minisign-made.pub")
    assert secret.public.to_text() == (DATA / "minisign-made.pub").read_text()


def test_the_public_key_line_alone_is_accepted_as_minisign_P_takes_it():
    line = (DATA / "minisign-made.pub").read_text().splitlines()[1]
    assert read_public_key(line) == load_public_key(DATA / "minisign-made.pub")


@pytest.mark.parametrize("change, message", [
    (lambda data, sig: (data + b"x", sig), "the signature does not match the file: it was changed after signing"),
    (lambda data, sig: (data, sig.replace("trusted comment: tc here", "trusted comment: tc there")),
     "the trusted comment was changed after signing"),
    (lambda data, sig: (data, "not a signature\n"), "the signature file is not in minisign's format"),
])
def test_a_changed_file_or_comment_is_named(change, message):
    data, signature = change((DATA / "hello.txt").read_bytes(), (DATA / "hello.txt.minisig").read_text())
    with pytest.raises(SignatureError, match=message):
        verify(data, signature, load_public_key(DATA / "minisign-made.pub"))


def test_a_signature_by_another_key_names_both_keys(tmp_path):
    other = write_keypair(tmp_path / "o.key", tmp_path / "o.pub").public
    with pytest.raises(SignatureError, match=f"signed with key 47CF65F4B910ADD6, not the trusted key {other.id_text}"):
        verify((DATA / "hello.txt").read_bytes(), (DATA / "hello.txt.minisig").read_text(), other)


def test_a_password_protected_key_is_unlocked_with_its_password():
    made = encrypted_key("correct horse")
    key = read_secret_key(made.text, "correct horse")
    assert key.secret == bytes(made.signing_key) + bytes(made.signing_key.verify_key) and key.key_id == made.key_id
    public = read_public_key(made.public_base64)
    assert verify(b"data", sign(b"data", key, "timestamp:0"), public).trusted_comment == "timestamp:0"


def test_a_wrong_or_missing_password_is_a_sentence_and_never_shows_the_secret(tmp_path):
    made = encrypted_key("correct horse")
    with pytest.raises(WrongPassword, match="^wrong password$"):
        read_secret_key(made.text, "Correct horse")
    (tmp_path / "team.key").write_text(made.text)
    with pytest.raises(WrongPassword, match=f"^wrong password for {tmp_path / 'team.key'}$"):
        load_secret_key(tmp_path / "team.key", "")
    with pytest.raises(PasswordRequired, match="password-protected and no password was given"):
        read_secret_key(made.text)
    assert secret_key_needs_password(tmp_path / "team.key")
    assert not secret_key_needs_password(DATA / "minisign-made-unencrypted.key")
    assert bytes(made.signing_key).hex() not in repr(read_secret_key(made.text, "correct horse"))


def test_a_key_asking_for_more_memory_than_allowed_is_refused_before_deriving():
    made = encrypted_key("pw")
    lines = made.text.splitlines()
    body = bytearray(base64.b64decode(lines[1]))
    body[38:54] = struct.pack("<QQ", 2 ** 25, 64 * 1024 ** 3)
    with pytest.raises(SignatureError, match="asks for 64.0 GiB and 33,554,432 operations to unlock, more than"):
        read_secret_key(f"{lines[0]}\n{base64.b64encode(bytes(body)).decode()}\n", "pw")


@pytest.mark.slow  # minisign derives with 1 GiB of scrypt: a few seconds
def test_a_password_protected_key_made_by_minisign_unlocks_and_signs_as_minisign_does():
    secret = load_secret_key(DATA / "minisign-made-encrypted.key", "handoff-test")
    public = load_public_key(DATA / "minisign-made-encrypted.pub")
    assert secret.public == public
    hello = (DATA / "hello.txt").read_bytes()
    theirs = verify(hello, (DATA / "hello.txt.encrypted-key.minisig").read_text(), public)
    assert theirs.trusted_comment == "signed by real minisign with a password"
    ours = sign(hello, secret, "signed by real minisign with a password",
                untrusted_comment="signature from minisign secret key")
    assert ours == (DATA / "hello.txt.encrypted-key.minisig").read_text()  # Ed25519 is deterministic


def _header(path: Path) -> bytes:
    """The secret key file's bytes before the encrypted part: "Ed", KDF, "B2", salt, opslimit, memlimit."""
    return base64.b64decode(path.read_text().splitlines()[1])[:54]


def test_a_password_protected_key_pair_round_trips_and_is_private(tmp_path):
    key = write_keypair(tmp_path / "maria.key", tmp_path / "maria.pub", "correct horse", FAST)
    assert (tmp_path / "maria.key").stat().st_mode & 0o777 == 0o600
    header = _header(tmp_path / "maria.key")
    assert header[:6] == b"EdScB2" and struct.unpack("<QQ", header[38:54]) == (FAST_OPSLIMIT, FAST_MEMLIMIT)
    assert (tmp_path / "maria.key").read_text().startswith("untrusted comment: minisign encrypted secret key\n")
    assert secret_key_needs_password(tmp_path / "maria.key")
    assert load_secret_key(tmp_path / "maria.key", "correct horse") == key
    assert load_public_key(tmp_path / "maria.pub") == key.public
    with pytest.raises(WrongPassword):
        load_secret_key(tmp_path / "maria.key", "Correct horse")
    with pytest.raises(PasswordRequired):
        load_secret_key(tmp_path / "maria.key")
    assert key.secret.hex() not in (tmp_path / "maria.key").read_text() and key.secret[:32].hex() not in repr(key)


def test_each_encrypted_key_file_has_its_own_salt_and_limits_beyond_the_readers_are_refused(tmp_path):
    key = write_keypair(tmp_path / "a.key", tmp_path / "a.pub")
    first, second = (key.to_encrypted_text("pw", FAST) for _ in range(2))
    assert first != second and read_secret_key(first, "pw") == read_secret_key(second, "pw") == key
    with pytest.raises(SignatureError, match="asks for 64.0 GiB"):
        key.to_encrypted_text("pw", ScryptLimits(2 ** 25, 64 * 1024 ** 3))


def test_minisign_signed_with_a_key_file_the_app_wrote():
    """tests/data/minisign/app-made-encrypted.key was written by write_keypair(..., "handoff-test") with minisign's
    limits; the real minisign 0.11 unlocked it with that password and signed hello.txt (README there). minisign
    checks the decrypted key's checksum ("Wrong password for that key"), so this signature exists only because
    minisign read our file as its own."""
    public = load_public_key(DATA / "app-made-encrypted.pub")
    verified = verify((DATA / "hello.txt").read_bytes(), (DATA / "hello.txt.app-key.minisig").read_text(), public)
    assert (verified.key_id, verified.trusted_comment) == ("1A15EAC82D1F8FFF",
                                                           "signed by real minisign with a key the app wrote")
    header = _header(DATA / "app-made-encrypted.key")
    assert header[:6] == b"EdScB2" and struct.unpack("<QQ", header[38:54]) == (2 ** 25, 1024 ** 3)


@pytest.mark.slow  # two derivations with minisign's 1 GiB scrypt: a few seconds each
def test_the_writer_gives_byte_for_byte_the_file_minisign_wrote_for_the_same_key_salt_and_password():
    made_by_minisign = (DATA / "minisign-made-encrypted.key").read_text()
    key = load_secret_key(DATA / "minisign-made-encrypted.key", "handoff-test")
    salt = _header(DATA / "minisign-made-encrypted.key")[6:38]
    assert key.to_encrypted_text("handoff-test", salt=salt) == made_by_minisign  # default limits = minisign's
    assert MINISIGN_LIMITS == ScryptLimits(33554432, 1073741824)


@pytest.mark.parametrize("text", ["", "untrusted comment: x\n", "untrusted comment: x\n!!!\n",
                                  "untrusted comment: x\nRWQ=\n"])
def test_broken_key_files_are_a_sentence(text):
    with pytest.raises(SignatureError):
        read_public_key(text)
    with pytest.raises(SignatureError):
        read_secret_key(text)


def test_keygen_writes_a_private_secret_key_and_never_overwrites(tmp_path):
    key = write_keypair(tmp_path / "a.key", tmp_path / "a.pub")
    assert (tmp_path / "a.key").stat().st_mode & 0o777 == 0o600
    assert load_secret_key(tmp_path / "a.key") == key and load_public_key(tmp_path / "a.pub") == key.public
    before = (tmp_path / "a.key").read_bytes()
    with pytest.raises(SignatureError, match="already exists; choose another name"):
        write_keypair(tmp_path / "a.key", tmp_path / "b.pub")
    assert (tmp_path / "a.key").read_bytes() == before and not (tmp_path / "b.pub").exists()


def test_keygen_that_cannot_create_the_secret_key_removes_nothing_that_was_there(tmp_path):
    """A dangling link is not "existing" to Path.exists(), so O_EXCL failed on it, and keygen then deleted the
    link; the name is now refused before anything is created."""
    link = tmp_path / "a.key"
    link.symlink_to(tmp_path / "elsewhere" / "a.key")
    with pytest.raises(SignatureError, match="a.key already exists"):
        write_keypair(link, tmp_path / "a.pub")
    assert link.is_symlink() and not (tmp_path / "a.pub").exists()


def test_the_same_input_gives_the_same_signature(tmp_path):
    key = write_keypair(tmp_path / "a.key", tmp_path / "a.pub")
    assert sign(b"data", key, "timestamp:0") == sign(b"data", key, "timestamp:0")


@needs_minisign
def test_minisign_verifies_what_we_sign_and_we_verify_what_minisign_signs(tmp_path):
    key = write_keypair(tmp_path / "ours.key", tmp_path / "ours.pub")
    target = tmp_path / "SHA256SUMS"
    target.write_bytes(b"0" * 64 + b"  RUNBOOK.md\n")
    (tmp_path / "SHA256SUMS.minisig").write_text(sign(target.read_bytes(), key, "timestamp:0\tfile:SHA256SUMS"))
    checked = subprocess.run([MINISIGN, "-Vm", str(target), "-p", str(tmp_path / "ours.pub")], capture_output=True,
                             text=True)
    assert checked.returncode == 0, checked.stderr
    assert "Trusted comment: timestamp:0\tfile:SHA256SUMS" in checked.stdout

    made = subprocess.run([MINISIGN, "-S", "-s", str(tmp_path / "ours.key"), "-m", str(target), "-x",
                           str(tmp_path / "theirs.minisig"), "-t", "by minisign"], capture_output=True, text=True,
                          input="")
    assert made.returncode == 0, made.stderr
    assert verify(target.read_bytes(), (tmp_path / "theirs.minisig").read_text(), key.public).trusted_comment == \
        "by minisign"

    target.write_bytes(target.read_bytes() + b"extra\n")
    assert subprocess.run([MINISIGN, "-Vm", str(target), "-p", str(tmp_path / "ours.pub")],
                          capture_output=True).returncode != 0
