"""JupyterLab for real: the server starts, lists and opens the notebooks, and starts the project's kernel.

A headless JupyterLab runs on loopback with a random token, its runtime,
data and config folders in the test's temporary folder, and is queried
through its REST API (what the browser front end uses). Nothing may be
written into the repository.
"""

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from secrets import token_hex

import pytest
from conftest import ROOT

from valduchesse.run.notebooks import notebook_paths

pytestmark = pytest.mark.slow

NOTEBOOK = "notebooks/04_themes_hand_coded.ipynb"
# Deadlines, not waits: each step polls for readiness and goes on as soon as it holds; the deadline only says
# when to give up, generous for a machine under load (a kernel can take tens of seconds to start there).
READY_DEADLINE_SECONDS = 300
STOP_TIMEOUT_SECONDS = 30
POLL_SECONDS = 0.2
ASK_AGAIN_SECONDS = 2  # a kernel_info request not answered by then is sent again (one sent too early may be lost)
PYTHON_NAMES = {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def untracked_state() -> tuple[str, list[Path]]:
    """What the server could leave behind: untracked files under ``notebooks/`` and checkpoint folders."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all", "--", "notebooks"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout
    untracked = "".join(line + "\n" for line in status.splitlines() if line.startswith("??"))
    # git ignores checkpoint folders, so look for them where the server would write them
    checkpoints = [folder / ".ipynb_checkpoints" for folder in (ROOT, ROOT / "notebooks")
                   if (folder / ".ipynb_checkpoints").exists()]
    return untracked, checkpoints


class Lab:
    """A running JupyterLab server: its base URL, token and log, and a JSON client for its REST API."""

    def __init__(self, url: str, token: str, log: Path, runtime_dir: Path):
        self.url, self.token, self.log, self.runtime_dir = url, token, log, runtime_dir

    def request(self, method: str, path: str, body: dict | None = None):
        """The decoded JSON answer to ``method path`` (None for an empty answer)."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers={
            "Authorization": f"token {self.token}", "Content-Type": "application/json"})
        # Starting a session answers once its kernel has started: as long as a kernel may take.
        with urllib.request.urlopen(request, timeout=READY_DEADLINE_SECONDS) as answer:
            content = answer.read()
        return json.loads(content) if content else None

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's output."""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def wait_until_ready(lab: Lab, process: subprocess.Popen) -> None:
    """Poll ``/api/status`` until the server answers; fail with its output if it exits or times out."""
    deadline = time.monotonic() + READY_DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {process.returncode} before answering:\n{lab.log_tail()}")
        try:
            lab.request("GET", "/api/status")
            return
        except urllib.error.HTTPError as err:
            pytest.fail(f"JupyterLab answered /api/status with {err.code} {err.reason}:\n{lab.log_tail()}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(POLL_SECONDS)
    pytest.fail(f"JupyterLab did not answer /api/status within {READY_DEADLINE_SECONDS} s:\n{lab.log_tail()}")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the server, wait for it, and kill it if it does not stop."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving the repository on loopback; stopped, and the repository checked untouched, at the end."""
    home = tmp_path_factory.mktemp("jupyter")
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "IPYTHONDIR": str(home / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    port, token = free_port(), token_hex(24)
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={ROOT}",
        # Nothing from the network: no extension manager querying PyPI, no announcements feed.
        "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
    ]
    if os.geteuid() == 0:  # containers and CI often run as root, which the server refuses by default
        command.append("--ServerApp.allow_root=True")
    before = untracked_state()
    log = home / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=home, env=env, stdin=subprocess.DEVNULL,
                                   stdout=output, stderr=subprocess.STDOUT)
    server = Lab(f"http://127.0.0.1:{port}", token, log, home / "runtime")
    try:
        wait_until_ready(server, process)
        yield server
    finally:
        stop(process)
    assert untracked_state() == before, "JupyterLab left files in the repository"


def test_lists_every_numbered_notebook(lab):
    listing = lab.request("GET", "/api/contents/notebooks")
    assert listing["type"] == "directory"
    names = {item["name"] for item in listing["content"]}
    expected = {path.name for path in notebook_paths(ROOT / "notebooks")}
    assert expected and expected <= names, f"not listed: {sorted(expected - names)}"


def test_notebook_opens_with_the_project_kernel(lab):
    model = lab.request("GET", f"/api/contents/{NOTEBOOK}")
    assert model["type"] == "notebook"
    assert model["content"]["cells"]
    name = model["content"]["metadata"]["kernelspec"]["name"]
    specs = lab.request("GET", "/api/kernelspecs")["kernelspecs"]
    assert name in specs, f"{NOTEBOOK} asks for kernel {name!r}; the server has {sorted(specs)}"
    program = specs[name]["spec"]["argv"][0]
    # jupyter_client starts a spec whose program is plain "python" with the server's own interpreter,
    # which here is this environment's (sys.executable); any other program must be that interpreter.
    assert program in PYTHON_NAMES or Path(program).absolute() == Path(sys.executable).absolute(), program


def kernel_program(kernel_id: str) -> str | None:
    """The program of the process running kernel ``kernel_id`` (Linux /proc), or None if not found."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if any(argument.endswith(f"kernel-{kernel_id}.json".encode()) for argument in arguments):
            return arguments[0].decode()
    return None


def kernel_info(lab: Lab, kernel_id: str) -> dict:
    """The kernel's answer to a kernel_info request, sent straight to its ZMQ channels.

    The request goes through the connection file the server wrote into its
    runtime folder (a browser would go through the server's websocket). The
    server's own ``execution_state`` is not used for readiness: without a client
    attached it may stay "starting" for a while, which says nothing about the
    kernel. Nor is the heartbeat channel (jupyter_client's ``wait_for_ready``
    takes a late heartbeat, as on a loaded machine, for a dead kernel): the
    request is repeated until the kernel answers one, and only the server saying
    that the kernel is dead, or the deadline, ends the wait early.
    """
    from jupyter_client import BlockingKernelClient

    deadline = time.monotonic() + READY_DEADLINE_SECONDS
    connection_file = lab.runtime_dir / f"kernel-{kernel_id}.json"
    while not connection_file.is_file():  # written by the server before it starts the kernel
        if time.monotonic() > deadline:
            pytest.fail(f"no connection file for kernel {kernel_id} within {READY_DEADLINE_SECONDS} s\n{lab.log_tail()}")
        time.sleep(POLL_SECONDS)
    client = BlockingKernelClient(connection_file=str(connection_file))
    client.load_connection_file()
    client.start_channels(hb=False)
    asked = set()
    try:
        while time.monotonic() < deadline:
            asked.add(client.kernel_info())
            try:
                reply = client.get_shell_msg(timeout=ASK_AGAIN_SECONDS)
            except queue.Empty:
                if lab.request("GET", f"/api/kernels/{kernel_id}").get("execution_state") == "dead":
                    pytest.fail(f"kernel {kernel_id} died before answering kernel_info\n{lab.log_tail()}")
                continue
            if reply["parent_header"].get("msg_id") in asked:
                return reply["content"]
    finally:
        client.stop_channels()
    pytest.fail(f"kernel {kernel_id} did not answer kernel_info within {READY_DEADLINE_SECONDS} s\n{lab.log_tail()}")


def test_session_starts_the_project_kernel(lab):
    name = lab.request("GET", f"/api/contents/{NOTEBOOK}?content=1")["content"]["metadata"]["kernelspec"]["name"]
    session = lab.request("POST", "/api/sessions", {
        "path": NOTEBOOK, "name": Path(NOTEBOOK).name, "type": "notebook", "kernel": {"name": name}})
    try:
        kernel = lab.request("GET", f"/api/kernels/{session['kernel']['id']}")
        assert kernel["name"] == name
        info = kernel_info(lab, kernel["id"])
        assert info["status"] == "ok" and info["language_info"]["name"] == "python"
        if Path("/proc/self/cmdline").exists():
            assert kernel_program(kernel["id"]) == sys.executable
    finally:
        lab.request("DELETE", f"/api/sessions/{session['id']}")
    assert all(item["id"] != session["id"] for item in lab.request("GET", "/api/sessions"))
