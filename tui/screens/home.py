"""Home: the saved reviews with progress and risk; open, create, rename, delete, export.

Every store call runs in a worker and reports back with a message (`ReviewsListed`,
`ReviewLoaded`, `StoreDone`, `StoreFailed`); a review that changed, vanished or broke since
it was listed becomes a notification, and the list is read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from checks.result import ScanResult
from review.errors import ReviewError
from review.session import ReviewSession
from review.store import ReviewListing, ReviewStore, ReviewSummary
from review.text import safe_line
from tui.messages import ReviewLoaded, ReviewsListed, StoreDone, StoreFailed
from tui.screens.new_review import NewReview
from tui.widgets.review_view import age

if TYPE_CHECKING:
    from tui.app import PillarApp

Edit = Callable[[ReviewSession], object]

EMPTY = (
    "No reviews yet.\n\n"
    "  n        start a new review of a workload\n"
    "  ctrl+p   every command\n"
    "  ?        help\n\n"
    "New here? Quit (ctrl+q) and run `pillar demo`: a review of a simulated AWS account,\n"
    "already scanned, so you can try everything without credentials."
)


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding(
            "enter", "open", "open", id="home.open", tooltip="Open the review where it was left"
        ),
        Binding("n", "new", "new", id="home.new", tooltip="Start a new review"),
        Binding("r", "rename", "rename", id="home.rename"),
        Binding(
            "m",
            "milestone",
            "milestone",
            id="home.milestone",
            tooltip="Save a named copy of the review's answers",
        ),
        Binding("e", "export", "export", id="home.export", tooltip="Export the plan as Markdown"),
        Binding("s", "summary", "summary", id="home.summary"),
        Binding("d", "delete", "delete", id="home.delete"),
        Binding(
            "y",
            "wa_sync",
            "WA Tool",
            id="home.wa_sync",
            show=False,
            tooltip="Push or pull the review with the AWS Well-Architected Tool",
        ),
        Binding(
            "f",
            "attach_scans",
            "Attach scan files",
            id="home.attach",
            show=False,
            tooltip="Add scan files (pillar scan --format json -o FILE) to the review's evidence",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.listing: ReviewListing | None = None

    @property
    def pillar_app(self) -> PillarApp:
        from tui.app import PillarApp

        assert isinstance(self.app, PillarApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(Text("pillar — Security Pillar reviews"), classes="screen-title")
        table: DataTable[Text] = DataTable(id="reviews", cursor_type="row")
        table.border_title = "Reviews"
        yield table
        yield Static(Text(EMPTY), id="empty")
        yield Static("", id="problems", classes="hint")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#reviews", DataTable)
        table.add_column("NAME", key="name")
        table.add_column("ENVIRONMENT", key="env")
        table.add_column("ANSWERED", key="answered")
        table.add_column("HIGH", key="high")
        table.add_column("MEDIUM", key="medium")
        table.add_column("UPDATED", key="updated")
        self.query_one("#empty").display = False
        self.query_one("#reviews").display = False
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    # --- store work, in workers ---------------------------------------------------------

    def reload(self) -> None:
        """List the reviews again (in a worker; `ReviewsListed` brings them back)."""
        self._list(self.pillar_app.store)

    @work(thread=True, exclusive=True, group="home-list", exit_on_error=False)
    def _list(self, store: ReviewStore) -> None:
        try:
            listing = store.list_reviews()
        except (ReviewError, OSError) as error:
            self.post_message(StoreFailed("Cannot list the reviews", _reason(error)))
            return
        self.post_message(ReviewsListed(listing))

    @work(thread=True, group="home-store", exit_on_error=False)
    def _load(self, store: ReviewStore, review_id: str, purpose: str) -> None:
        try:
            review = store.load(review_id)
        except (ReviewError, OSError) as error:
            self.post_message(StoreFailed("Cannot read the review", _reason(error)))
            return
        self.post_message(ReviewLoaded(review, purpose))

    @work(thread=True, group="home-store", exit_on_error=False)
    def _create(self, store: ReviewStore, form: NewReview) -> None:
        try:
            review = store.create(
                form.name,
                owner=form.owner,
                environment=form.environment,
                account_ids=form.account_ids,
                regions=form.regions,
            )
        except Exception as error:  # shown, never a traceback
            self.post_message(StoreFailed("Cannot create the review", _reason(error)))
            return
        self.post_message(StoreDone("create", review_id=review.id, scan_first=form.scan_now))

    @work(thread=True, group="home-store", exit_on_error=False)
    def _change(
        self,
        store: ReviewStore,
        review_id: str,
        change: Callable[[ReviewSession], object],
        done: str,
    ) -> None:
        try:
            with store.open(review_id) as session:
                change(session)
        except Exception as error:  # a locked, changed or vanished review: said, not raised
            self.post_message(StoreFailed("Not saved", _reason(error)))
            return
        self.post_message(StoreDone("change", notice=done))

    @work(thread=True, group="home-store", exit_on_error=False)
    def _attach_scans(
        self, store: ReviewStore, review_id: str, scans: tuple[ScanResult, ...], by: str
    ) -> None:
        from review.attach import attach_scans

        try:
            with store.open(review_id) as session:
                report = attach_scans(session, scans, by)
        except Exception as error:  # a locked, changed or vanished review: said, not raised
            self.post_message(StoreFailed("Not attached", _reason(error)))
            return
        self.post_message(StoreDone("change", notice=report.sentence()))

    @work(thread=True, group="home-store", exit_on_error=False)
    def _delete(self, store: ReviewStore, review_id: str) -> None:
        try:
            store.delete(review_id)
        except (ReviewError, OSError) as error:
            self.post_message(StoreFailed("Not deleted", _reason(error)))
            return
        self.post_message(StoreDone("delete"))

    # --- what the workers report ----------------------------------------------------------

    def on_reviews_listed(self, message: ReviewsListed) -> None:
        self._show(message.listing)

    def on_review_loaded(self, message: ReviewLoaded) -> None:
        pillar = self.pillar_app.store.pillar
        if message.purpose == "summary":
            from tui.screens.summary import SummaryScreen

            self.app.push_screen(SummaryScreen(message.review, pillar))
        elif message.purpose == "export":
            from tui.screens.export import export_review

            export_review(self, pillar, message.review)
        elif message.purpose == "wa_sync":
            from tui.screens.wa_sync import WaSyncScreen

            app = self.pillar_app
            self.app.push_screen(
                WaSyncScreen(message.review, pillar, app.store, app.scan_source, person=app.person)
            )

    def on_store_done(self, message: StoreDone) -> None:
        if message.notice:
            self.notify(message.notice)
        if message.what == "create":
            self.pillar_app.open_review(message.review_id, scan_first=message.scan_first)
        self.reload()

    def on_store_failed(self, message: StoreFailed) -> None:
        self.notify(message.reason, title=message.what, severity="error", timeout=12)
        self.reload()  # the file may have changed or gone since it was listed

    # --- showing --------------------------------------------------------------------------

    def _show(self, listing: ReviewListing) -> None:
        self.listing = listing
        table = self.query_one("#reviews", DataTable)
        selected = self.selected.id if self.selected else None
        table.clear()
        for summary in listing.reviews:
            counts = summary.counts
            table.add_row(
                Text(safe_line(summary.name, 40)),
                Text(summary.environment.value.lower()),
                Text(f"{summary.best_practices_answered} / {summary.best_practices_total}"),
                Text(str(counts.high) if counts.answered else "–", style="bold red"),
                Text(str(counts.medium) if counts.answered else "–", style="bold yellow"),
                Text(age(summary.updated_at)),
                key=summary.id,
            )
        has_reviews = bool(listing.reviews)
        table.display = has_reviews
        self.query_one("#empty").display = not has_reviews
        if selected is not None:
            ids = [s.id for s in listing.reviews]
            if selected in ids:
                table.move_cursor(row=ids.index(selected))
        problems = "\n".join(f"⚠ {safe_line(problem.message, 200)}" for problem in listing.problems)
        notice = self.query_one("#problems", Static)
        notice.update(Text(problems, style="yellow"))
        notice.display = bool(problems)
        if has_reviews:
            table.focus()

    @property
    def selected(self) -> ReviewSummary | None:
        table = self.query_one("#reviews", DataTable)
        if self.listing is None or not self.listing.reviews or not table.row_count:
            return None
        row = table.cursor_row
        if 0 <= row < len(self.listing.reviews):
            return self.listing.reviews[row]
        return None

    @on(DataTable.RowSelected, "#reviews")
    def _row_selected(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        if self.selected is not None:
            self.pillar_app.open_review(self.selected.id)

    def action_new(self) -> None:
        from tui.screens.new_review import NewReviewScreen

        def create(form: NewReview | None) -> None:
            if form is None:
                return
            if form.profile:
                self.pillar_app.scan_source.profile = form.profile
            self._create(self.pillar_app.store, form)

        self.app.push_screen(NewReviewScreen(), create)

    def action_rename(self) -> None:
        summary = self.selected
        if summary is None:
            return
        from tui.screens.dialogs import TextDialog

        def rename(name: str | None) -> None:
            if name:
                self._change(
                    self.pillar_app.store, summary.id, lambda s: s.set_details(name=name), ""
                )

        self.app.push_screen(TextDialog("New name for the review", value=summary.name), rename)

    def action_milestone(self) -> None:
        summary = self.selected
        if summary is None:
            return
        from tui.screens.dialogs import TextDialog

        def save(name: str | None) -> None:
            if name:
                self._change(
                    self.pillar_app.store,
                    summary.id,
                    lambda s: s.save_milestone(name),
                    f"Milestone {name!r} saved.",
                )

        self.app.push_screen(
            TextDialog("Name the milestone", placeholder="e.g. after workshop 1"), save
        )

    def action_delete(self) -> None:
        summary = self.selected
        if summary is None:
            return
        from tui.screens.dialogs import ConfirmDialog

        def delete(yes: bool | None) -> None:
            if yes:
                self._delete(self.pillar_app.store, summary.id)

        self.app.push_screen(
            ConfirmDialog(
                f"Delete the review '{safe_line(summary.name, 60)}' and its milestones? "
                "This cannot be undone (export it first to keep a copy).",
                "Delete",
            ),
            delete,
        )

    def action_summary(self) -> None:
        if self.selected is not None:
            self._load(self.pillar_app.store, self.selected.id, "summary")

    def action_export(self) -> None:
        if self.selected is not None:
            self._load(self.pillar_app.store, self.selected.id, "export")

    def action_attach_scans(self) -> None:
        summary = self.selected
        if summary is None:
            return
        from review.attach import ATTACH_AUTHOR
        from tui.screens.attach import AttachScanScreen

        store = self.pillar_app.store
        by = f"{self.pillar_app.person} ({ATTACH_AUTHOR})"

        def attach(scans: tuple[ScanResult, ...] | None) -> None:
            if scans:
                self._attach_scans(store, summary.id, scans, by)

        self.app.push_screen(AttachScanScreen(store.pillar, summary.name), attach)

    def action_wa_sync(self) -> None:
        if self.selected is not None:
            self._load(self.pillar_app.store, self.selected.id, "wa_sync")


def _reason(error: BaseException) -> str:
    return safe_line(str(error), 300) or type(error).__name__
