"""`handoff … | head` ends quietly when the reader has gone away, without a traceback."""
import subprocess
import sys


def test_a_closed_pipe_ends_the_command_without_a_traceback(sample_copy):
    command = [sys.executable, "-m", "handoff_assistant", "init", str(sample_copy)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # the reader is gone before the first line, like `| head -0`
    stderr = process.stderr.read().decode()
    process.wait(timeout=120)
    assert (sample_copy / "handoff.yaml").is_file()  # the work itself was done
    assert "BrokenPipeError" not in stderr and "Traceback" not in stderr
