"""``handoff keygen``: a password-protected key pair like ``minisign -G``; ``--no-password`` only when asked for."""
from __future__ import annotations

import base64
import io
import struct

import pytest

from handoff_assistant.cli import main
from handoff_assistant.signing import PasswordRequired, load_public_key, load_secret_key, sign, verify
from tests.support.minisign_keys import FAST_MEMLIMIT, FAST_OPSLIMIT, fast_limits


@pytest.fixture(autouse=True)
def here(tmp_path, monkeypatch):
    monkeypatch.setattr("handoff_assistant.cli.keygen_command.KDF_LIMITS", fast_limits())
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def terminal(monkeypatch):
    """A terminal whose user types the given answers to getpass's questions; returns the questions asked."""
    asked: list[str] = []

    def type_in(*answers: str) -> list[str]:
        queue = list(answers)
        monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
        monkeypatch.setattr("getpass.getpass", lambda prompt="": (asked.append(prompt), queue.pop(0))[1])
        return asked

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    return type_in


def _unlocks(path, password) -> bool:
    key = load_secret_key(path, password)
    public = load_public_key(path.with_suffix(".pub"))
    return verify(b"data", sign(b"data", key, "t"), public).key_id == public.id_text


def test_the_password_is_asked_twice_without_echo_and_protects_the_key(here, terminal, capsys):
    asked = terminal("correct horse", "correct horse")
    assert main(["keygen", "--name", "maria"]) == 0
    assert asked == [f"Password for the new secret key maria.key: ", "The same password again: "]
    out = capsys.readouterr()
    assert "Wrote the secret key maria.key (keep it private; mode 0600, password-protected)" in out.out
    assert out.err == "" and "correct horse" not in out.out
    assert (here / "maria.key").stat().st_mode & 0o777 == 0o600
    body = base64.b64decode((here / "maria.key").read_text().splitlines()[1])
    assert body[2:4] == b"Sc" and struct.unpack("<QQ", body[38:54]) == (FAST_OPSLIMIT, FAST_MEMLIMIT)
    assert _unlocks(here / "maria.key", "correct horse")
    with pytest.raises(PasswordRequired):
        load_secret_key(here / "maria.key")


@pytest.mark.parametrize("typed, message", [
    (("one", "two"), "the two passwords differ; nothing was written"),
    (("",), "an empty password is refused; type one, or pass --no-password for a key without one"),
])
def test_differing_or_empty_passwords_are_one_line_and_write_nothing(here, terminal, capsys, typed, message):
    terminal(*typed)
    assert main(["keygen", "--name", "maria"]) == 2
    assert capsys.readouterr().err.strip() == f"handoff keygen: {message}"
    assert list(here.iterdir()) == []


def test_without_a_terminal_the_password_must_come_from_an_option(here, capsys):
    assert main(["keygen", "--name", "ci"]) == 2
    assert capsys.readouterr().err.strip() == (
        "handoff keygen: there is no terminal to ask the new key's password; give it with --key-password-file FILE "
        "('-' = standard input) or --key-password-env NAME, or pass --no-password")
    assert list(here.iterdir()) == []


def test_ci_gives_the_password_in_a_variable_or_a_file(here, monkeypatch, capsys):
    monkeypatch.setenv("SIGNING_PASSWORD", "from the vault")
    assert main(["keygen", "--name", "env", "--key-password-env", "SIGNING_PASSWORD"]) == 0
    (here / "pw.txt").write_text("from a file\nignored second line\n")
    assert main(["keygen", "--name", "file", "--key-password-file", "pw.txt"]) == 0
    assert _unlocks(here / "env.key", "from the vault") and _unlocks(here / "file.key", "from a file")
    (here / "empty.txt").write_text("\n")
    assert main(["keygen", "--name", "empty", "--key-password-file", "empty.txt"]) == 2
    assert "an empty password is refused" in capsys.readouterr().err and not (here / "empty.key").exists()


def test_no_password_must_be_explicit_and_is_warned_about(here, capsys):
    assert main(["keygen", "--name", "plain", "--no-password"]) == 0
    out = capsys.readouterr()
    assert "mode 0600, not password-protected" in out.out
    assert out.err == ("Warning: plain.key has no password: anyone who can read the file can sign bundles as "
                       "you.\n")
    assert (here / "plain.key").stat().st_mode & 0o777 == 0o600 and _unlocks(here / "plain.key", None)
    with pytest.raises(SystemExit) as exit_info:
        main(["keygen", "--name", "x", "--no-password", "--key-password-env", "PW"])
    assert exit_info.value.code == 2 and "not allowed with argument" in capsys.readouterr().err


def test_an_existing_key_is_never_overwritten_and_nothing_is_asked(here, terminal, capsys):
    (here / "maria.pub").write_text("IT's copy\n")
    asked = terminal()
    assert main(["keygen", "--name", "maria"]) == 2
    assert capsys.readouterr().err.strip() == ("handoff keygen: maria.pub already exists; choose another name (a key "
                                               "is never overwritten)")
    assert asked == [] and not (here / "maria.key").exists() and (here / "maria.pub").read_text() == "IT's copy\n"


def test_a_dangling_link_at_the_key_name_is_refused_before_the_password_is_asked(here, terminal, capsys):
    """Failed before: Path.exists() is False for a dangling link, so keygen asked the password and derived for
    seconds, then failed on the exclusive create."""
    (here / "maria.key").symlink_to(here / "elsewhere" / "maria.key")
    asked = terminal()
    assert main(["keygen", "--name", "maria"]) == 2
    assert capsys.readouterr().err.strip() == ("handoff keygen: maria.key already exists; choose another name (a key "
                                               "is never overwritten)")
    assert asked == [] and (here / "maria.key").is_symlink() and not (here / "maria.pub").exists()
