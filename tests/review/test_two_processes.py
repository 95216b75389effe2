"""Two pillar processes on one review: a clear message for the second, no lost update."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

from questions import security_pillar
from review.errors import ReviewLocked
from review.model import AnswerStatus
from review.store import ReviewStore

PILLAR = str(Path(sys.executable).parent / "pillar")

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from questions import security_pillar
    from review.model import AnswerStatus
    from review.store import ReviewStore
    store = ReviewStore(Path(sys.argv[1]), security_pillar())
    with store.open(sys.argv[2]) as session:
        print("holding", flush=True)
        sys.stdin.readline()
        session.set_answer("SEC01-BP02", AnswerStatus.MET, by="holder")
    """
)

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from questions import security_pillar
    from review.model import AnswerStatus
    from review.store import ReviewStore
    store = ReviewStore(Path(sys.argv[1]), security_pillar())
    bps = sys.argv[3].split(",")
    for bp in bps:
        with store.open(sys.argv[2], wait=30) as session:
            session.set_answer(bp, AnswerStatus.NOT_MET, by=sys.argv[4], note=sys.argv[4])
    """
)


def _python(code: str, *args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        text=True,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=Path(__file__).parents[2],
        **kwargs,  # type: ignore[call-overload]
    )


def test_second_process_is_told_who_holds_it_and_may_read(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = ReviewStore(home, security_pillar())
    review = store.create("Shared review")
    with store.open(review.id) as session:
        session.set_answer("SEC01-BP01", AnswerStatus.MET, by="me")
    holder = _python(HOLDER, str(home), review.id)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "holding"
        try:
            store.open(review.id, wait=0.2)
        except ReviewLocked as error:
            message = str(error)
        else:  # pragma: no cover
            raise AssertionError("a second writer was let in")
        assert f"pid {holder.pid} on host {socket.gethostname()}" in message
        assert "'Shared review'" in message
        with store.open(review.id, read_only=True) as reader:
            assert reader.review.answer("SEC01-BP01").status is AnswerStatus.MET

        cli = subprocess.run(
            [PILLAR, "answer", review.id, "SEC01-BP03", "--met"],
            capture_output=True,
            text=True,
            env={**os.environ, "PILLAR_HOME": str(home)},
            cwd=Path(__file__).parents[2],
        )
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.wait(30) == 0
    finally:
        holder.kill()
        holder.wait()
    assert cli.returncode == 4, cli.stderr
    assert cli.stderr.startswith("pillar: review 'Shared review' is open for changes")
    assert f"pid {holder.pid}" in cli.stderr and cli.stderr.count("\n") == 1
    loaded = store.load(review.id)
    assert loaded.answer("SEC01-BP02").status is AnswerStatus.MET  # the holder's save
    assert loaded.answer("SEC01-BP01").status is AnswerStatus.MET  # nothing lost
    assert loaded.answer("SEC01-BP03").status is AnswerStatus.UNANSWERED  # refused, not lost


def test_concurrent_writers_lose_no_update(tmp_path: Path) -> None:
    home = tmp_path / "home"
    store = ReviewStore(home, security_pillar())
    review = store.create("busy")
    bps = [bp.id for bp in security_pillar().best_practices()]
    first, second = bps[:30], bps[30:60]
    writers = [
        _python(WRITER, str(home), review.id, ",".join(first), "ann"),
        _python(WRITER, str(home), review.id, ",".join(second), "bob"),
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    loaded = store.load(review.id)
    for bp in first:
        assert loaded.answer(bp).by == "ann"
    for bp in second:
        assert loaded.answer(bp).by == "bob"
    assert len(loaded.history) == 60
