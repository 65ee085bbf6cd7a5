import subprocess
import sys
import venv

from tests.support.wheelhouse import WheelSpec, build_wheelhouse, offline_pip_env


def test_pip_installs_a_built_wheel_with_its_dependency_offline(tmp_path):
    house = build_wheelhouse(tmp_path / "house", [
        WheelSpec("tiny-core", "1.2.0"),
        WheelSpec("tiny-app", "0.3.0", requires=("tiny-core>=1.0",)),
    ])
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "tiny-app"], check=True, env=offline_pip_env(house))
    out = subprocess.run([str(python), "-c", "import tiny_core, tiny_app; print(tiny_core.__version__)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1.2.0"
