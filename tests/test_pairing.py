"""Pairing schedules: the rules checked pair by pair, independently of the code.

Every schedule below is checked by :func:`_broken_rules`, which reads only the
produced table and counts, with plain dictionaries, what the rules forbid.
"""

from __future__ import annotations

import itertools
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import toolkit.pairing as pairing
from toolkit.errors import GuideWarning, ToolkitError
from toolkit.pairing import (
    AccessList,
    check_review_log,
    pairing_schedule,
    read_conflicts,
    read_reps,
)


# ---------------------------------------------------------------- helpers
def _schedule(reps, **options):
    """A schedule, with guide warnings silenced (they have their own tests)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GuideWarning)
        return pairing_schedule(reps, **options)


def _broken_rules(schedule, *, conflicts=(), mutual_allowed=False):
    """Every rule a schedule breaks, as readable strings (empty when none)."""
    cadence = schedule.reviews_per_rep
    pool = dict(zip(schedule.team["rep"], schedule.team["sub_team"], strict=True))
    avoid = {frozenset(pair[:2]) for pair in conflicts}
    broken = []
    by_period = defaultdict(list)
    for row in schedule.frame.itertuples():
        by_period[row.period].append((row.reviewer, row.rep))

    for period in range(1, schedule.n_periods + 1):
        pairs = by_period[period]
        unique = set(pairs)
        reviewers = Counter(rep for _, rep in pairs)
        load = Counter(reviewer for reviewer, _ in pairs)
        if len(unique) != len(pairs):
            broken.append(f"period {period}: a pair twice")
        for rep in pool:
            if reviewers[rep] != cadence:
                broken.append(f"period {period}: {rep} has {reviewers[rep]}")
            if load[rep] != cadence:
                broken.append(f"period {period}: {rep} reviews {load[rep]}")
        for reviewer, rep in pairs:
            if reviewer == rep:
                broken.append(f"period {period}: {rep} reviews themselves")
            if pool[reviewer] != pool[rep]:
                broken.append(f"period {period}: {reviewer}->{rep} across pools")
            if frozenset((reviewer, rep)) in avoid:
                broken.append(f"period {period}: conflict {reviewer}->{rep}")
            if not mutual_allowed and (rep, reviewer) in unique:
                broken.append(f"period {period}: mutual {reviewer}<->{rep}")

    # pairs stay put within a rotation block
    every = schedule.rotation or schedule.n_periods
    for period in range(2, schedule.n_periods + 1):
        if (period - 1) % every and set(by_period[period]) != set(
            by_period[period - 1]
        ):
            broken.append(f"period {period}: pairs changed inside a rotation")
    return broken


def _first_repeat(schedule):
    """First period (1-based) holding a pair met in an earlier rotation."""
    every = schedule.rotation or schedule.n_periods
    seen: set[tuple[str, str]] = set()
    frame = schedule.frame
    for start in range(1, schedule.n_periods + 1, every):
        rows = frame[frame["period"] == start]
        pairs = set(zip(rows["reviewer"], rows["rep"], strict=True))
        if pairs & seen:
            return start
        seen |= pairs
    return None


def _spread(schedule):
    """Largest gap, over reps and periods, between a rep's most and least
    frequent reviewer among all their pool's peers."""
    pool = dict(zip(schedule.team["rep"], schedule.team["sub_team"], strict=True))
    counts: Counter = Counter()
    worst = 0
    for _, rows in schedule.frame.groupby("period"):
        counts.update(zip(rows["reviewer"], rows["rep"], strict=True))
        for rep in pool:
            peers = [p for p in pool if p != rep and pool[p] == pool[rep]]
            seen = [counts[(peer, rep)] for peer in peers]
            worst = max(worst, max(seen) - min(seen))
    return worst


def _max_cadence(size):
    return (size - 1) // 2


# ---------------------------------------------------------------- rotation
@pytest.mark.parametrize("size", [3, *range(5, 21)])
def test_assigned_schedule_keeps_every_rule_and_spreads_pairs(size):
    # n reps, cadence c, monthly rotation: floor((n-1)/c) repeat-free months,
    # which is at least the ceil((n-1)/c) - 1 a lead can count on
    for cadence, seed in itertools.product(range(1, _max_cadence(size) + 1), (0, 1)):
        schedule = _schedule(
            size, n_periods=size + 2, reviews_per_rep=cadence, rotation=1, rng=seed
        )

        assert _broken_rules(schedule) == [], (size, cadence, seed)
        first = _first_repeat(schedule)
        assert first == (size - 1) // cadence + 1, (size, cadence, seed)
        assert schedule.first_repeat() == first
        assert first - 1 >= -(-(size - 1) // cadence) - 1


def test_four_reps_repeat_after_two_months_the_most_possible():
    # no three 4-cycles share out the 12 ordered pairs of four reps
    schedule = _schedule(4, n_periods=6, reviews_per_rep=1, rotation=1, rng=0)

    assert _broken_rules(schedule) == []
    assert _first_repeat(schedule) == 3
    assert _spread(schedule) <= 2


@pytest.mark.parametrize("size", range(5, 21))
def test_reviewers_stay_even_after_pairs_start_to_repeat(size):
    # odd pools: every peer within one review of every other, at all times;
    # even pools near their highest cadence: within three (measured)
    for cadence in range(1, _max_cadence(size) + 1):
        schedule = _schedule(
            size, n_periods=3 * size // 2, reviews_per_rep=cadence, rotation=1, rng=3
        )

        assert _spread(schedule) <= (1 if size % 2 else 3), (size, cadence)


def test_quarterly_rotation_keeps_pairs_three_months_then_moves_on():
    schedule = _schedule(7, n_periods=12, reviews_per_rep=2, rotation=3, rng=1)

    assert _broken_rules(schedule) == []
    # three repeat-free blocks of 3 months: the first repeat is in month 10
    assert _first_repeat(schedule) == schedule.first_repeat() == 10
    counts = schedule.pair_counts()
    assert set(counts["n_periods"]) == {3, 6}
    assert counts["repeats"].max() == 1


def test_never_rotating_keeps_the_first_pairs_and_never_repeats():
    schedule = _schedule(6, n_periods=12, rotation=None, rng=2)

    assert _broken_rules(schedule) == []
    assert schedule.first_repeat() is None
    assert set(schedule.pair_counts()["n_periods"]) == {12}


def test_same_seed_same_schedule_and_the_seed_is_recorded():
    first = _schedule(30, n_periods=6, rng=11)
    second = _schedule(30, n_periods=6, rng=11)
    other = _schedule(30, n_periods=6, rng=12)
    drawn = _schedule(30, n_periods=6)

    pd.testing.assert_frame_equal(first.frame, second.frame)
    assert not first.frame.equals(other.frame)
    assert first.seed == 11
    again = _schedule(30, n_periods=6, rng=drawn.seed)
    pd.testing.assert_frame_equal(drawn.frame, again.frame)


# ---------------------------------------------------------------- sub-teams
@pytest.mark.parametrize("size", [21, 25, 26, 33, 47, 60, 203])
def test_large_team_splits_into_balanced_sub_teams_of_five_to_eight(size):
    schedule = _schedule(size, n_periods=4, rng=size)

    sizes = schedule.team["sub_team"].value_counts()
    assert sizes.between(5, 8).all()
    assert sizes.max() - sizes.min() <= 1
    assert _broken_rules(schedule) == []


def test_team_of_twenty_stays_one_pool():
    schedule = _schedule(20, n_periods=2, rng=0)

    assert schedule.sub_teams == ("all",)


def test_cadence_three_raises_sub_teams_to_seven_or_more():
    schedule = _schedule(40, n_periods=3, reviews_per_rep=3, rng=0)

    assert schedule.team["sub_team"].value_counts().min() >= 7
    assert _broken_rules(schedule) == []


def test_given_sub_teams_and_managers_bound_the_pairs():
    team = pd.DataFrame(
        {
            "rep": [f"r{i}" for i in range(12)],
            "manager": ["kim"] * 7 + ["lee"] * 5,
        }
    )

    by_manager = _schedule(team, n_periods=4, rng=0)
    by_sub_team = _schedule(
        team.assign(sub_team=["a", "b"] * 6).drop(columns="manager"),
        n_periods=4,
        rng=0,
    )

    assert by_manager.sub_teams == ("kim", "lee")
    assert _broken_rules(by_manager) == []
    assert by_sub_team.sub_teams == ("a", "b")
    assert _broken_rules(by_sub_team) == []


def test_split_puts_conflict_pairs_in_different_sub_teams():
    names = [f"r{i:02d}" for i in range(24)]
    pairs = [(names[i], names[i + 1], "competitor") for i in range(0, 24, 2)]

    schedule = _schedule(names, n_periods=2, conflicts=pairs, rng=4)

    pool = dict(zip(schedule.team["rep"], schedule.team["sub_team"], strict=True))
    assert all(pool[a] != pool[b] for a, b, _ in pairs)


# ---------------------------------------------------------------- conflicts
def _has_factor(size, degree, allowed):
    """Brute force: does the allowed graph have a ``degree``-regular part?

    A period without mutual pairs is exactly such a part, oriented along an
    Euler circuit, so this decides whether any schedule exists.
    """
    edges = [(a, b) for a, b in itertools.combinations(range(size), 2) if allowed[a][b]]
    for chosen in itertools.combinations(edges, size * degree // 2):
        count = Counter(itertools.chain.from_iterable(chosen))
        if all(count[v] == degree for v in range(size)):
            return True
    return False


def test_conflicts_are_kept_apart_exactly_when_any_schedule_can():
    rng = np.random.default_rng(20240601)
    outcomes = Counter()
    for trial in range(60):
        size = int(rng.integers(5, 8))
        cadence = int(rng.integers(1, _max_cadence(size) + 1))
        count = int(rng.integers(1, size + 3))
        drawn = {
            tuple(sorted(rng.choice(size, 2, replace=False))) for _ in range(count)
        }
        names = [f"r{i}" for i in range(size)]
        pairs = [(names[a], names[b]) for a, b in drawn]
        allowed = [
            [a != b and (min(a, b), max(a, b)) not in drawn for b in range(size)]
            for a in range(size)
        ]

        possible = _has_factor(size, 2 * cadence, allowed)
        try:
            schedule = _schedule(
                names,
                n_periods=6,
                reviews_per_rep=cadence,
                rotation=1,
                conflicts=pairs,
                rng=trial,
            )
        except ToolkitError as error:
            assert not possible, (size, cadence, sorted(drawn), str(error))
            assert "rep 'r" in str(error)
            outcomes["refused"] += 1
        else:
            assert possible
            assert _broken_rules(schedule, conflicts=pairs) == []
            outcomes["made"] += 1
    assert outcomes["made"] > 10 and outcomes["refused"] > 10


@pytest.mark.parametrize("size", [9, 14, 20])
def test_sparse_conflicts_in_larger_pools_are_kept_apart(size):
    rng = np.random.default_rng(size)
    names = [f"r{i}" for i in range(size)]
    for seed in range(4):
        picks = rng.choice(size, (size // 2, 2))
        pairs = [(names[a], names[b]) for a, b in picks if a != b]

        schedule = _schedule(
            names,
            n_periods=8,
            reviews_per_rep=2,
            rotation=1,
            conflicts=pairs,
            rng=seed,
        )

        assert _broken_rules(schedule, conflicts=pairs) == []


def test_rep_in_conflict_with_too_many_peers_is_named():
    names = ["ana", "ben", "cy", "dee", "eve", "fay"]
    pairs = [("ana", "ben"), ("ana", "cy"), ("eve", "ana")]

    with pytest.raises(ToolkitError, match=r"rep 'ana' .*conflict pair with 3 of"):
        _schedule(names, conflicts=pairs, rng=0)


def test_impossible_period_names_a_rep_and_says_what_to_do():
    # every rep keeps 2 free peers, yet no 1-review period exists
    names = [f"r{i}" for i in range(5)]
    pairs = [("r0", "r2"), ("r1", "r3"), ("r1", "r4"), ("r3", "r4")]

    with pytest.raises(ToolkitError, match=r"Rep 'r1' has the fewest peers") as info:
        _schedule(names, reviews_per_rep=1, conflicts=pairs, rng=0)

    assert "every possibility was checked" in str(info.value)
    assert "Remove one of these conflicts" in str(info.value)


def test_mutual_pairs_allowed_when_asked_with_a_smaller_team():
    schedule = _schedule(4, reviews_per_rep=2, allow_mutual=True, rng=0)

    assert _broken_rules(schedule, mutual_allowed=True) == []


# ---------------------------------------------------------------- methods
@pytest.mark.parametrize("size", [5, 8, 13, 30])
def test_random_pairs_keep_the_rules(size):
    schedule = _schedule(size, n_periods=6, rotation=1, method="random", rng=size)

    assert _broken_rules(schedule) == []


def test_random_pairs_repeat_sooner_than_assigned_rotation():
    firsts = {"assigned": [], "random": []}
    for method, seed in itertools.product(firsts, range(8)):
        schedule = _schedule(13, n_periods=8, rotation=1, method=method, rng=seed)
        firsts[method].append(schedule.first_repeat() or 99)

    assert set(firsts["assigned"]) == {7}
    assert np.mean(firsts["random"]) < 7


def test_self_selection_warns_that_it_leaves_the_guide():
    with pytest.warns(GuideWarning, match="self-selected pairs leave the guide"):
        pairing_schedule(8, method="self_selected", rng=0)


def test_self_selection_keeps_the_sign_up_rules_and_picks_friends():
    names = [f"r{i}" for i in range(8)]
    friends = [("r0", "r1", "friend"), ("r2", "r3", "friend"), ("r4", "r5", "friend")]

    chosen = _schedule(
        names, n_periods=6, method="self_selected", conflicts=friends, rng=1
    )
    assigned = _schedule(names, n_periods=6, conflicts=friends, rng=1)

    assert _broken_rules(chosen, mutual_allowed=True) == []
    pairs = set(zip(chosen.frame["reviewer"], chosen.frame["rep"], strict=True))
    friend_pairs = {(a, b) for a, b, _ in friends} | {(b, a) for a, b, _ in friends}
    assert friend_pairs <= pairs
    assert not friend_pairs & set(
        zip(assigned.frame["reviewer"], assigned.frame["rep"], strict=True)
    )


def test_self_selected_pairs_rarely_rotate():
    schedule = _schedule(8, n_periods=12, method="self_selected", rotation=3, rng=2)

    assert schedule.pair_counts()["repeats"].mean() > 1


# ---------------------------------------------------------------- results
def test_load_counts_and_repeats_by_period_agree_with_the_rows():
    schedule = _schedule(9, n_periods=12, reviews_per_rep=2, rotation=2, rng=0)

    load = schedule.load()
    assert set(load["n_reps"]) == {2}
    assert len(load) == 9 * 12
    counts = schedule.pair_counts()
    assert counts["n_periods"].sum() == len(schedule.frame)
    table = schedule.repeats_by_period()
    assert table["n_pairs"].tolist() == [18] * 12
    first = table.loc[table["n_repeated"] > 0, "period"].min()
    # four blocks of two months hold all 72 pairs once: month 9 repeats
    assert first == schedule.first_repeat() == _first_repeat(schedule) == 9


def test_dated_schedule_carries_month_start_and_end():
    schedule = _schedule(6, n_periods=3, start="2025-11", rng=0)

    assert schedule.frame.columns.tolist()[:3] == ["period", "start", "end"]
    assert schedule.periods["label"].tolist() == ["2025-11", "2025-12", "2026-01"]
    last = schedule.frame.iloc[-1]
    assert str(last["end"].date()) == "2026-01-31"


# ---------------------------------------------------------------- warnings
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"reviews_per_rep": 1}, r"1 review\(s\) per rep per month .* 2 to 4"),
        ({"reviews_per_rep": 5, "reps": 12}, "compliance drops above 4"),
        ({"reps": 4, "reviews_per_rep": 1, "freq": "W"}, "fewer than 5 reps"),
        ({"reps": 24, "split_above": None}, "sub-teams of 5 to 8 above 20"),
    ],
)
def test_policies_outside_the_guide_warn(options, message):
    reps = options.pop("reps", 8)

    with pytest.warns(GuideWarning, match=message):
        pairing_schedule(reps, rng=0, **options)


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("reps", "options", "message"),
    [
        (4, {}, r"the team has 4 rep\(s\); 2 review\(s\) per rep .* at least 5 reps"),
        (8, {"reviews_per_rep": 4}, "needs at least 9 reps"),
        (8, {"rotation": 0}, "rotation must be a number of periods"),
        (8, {"method": "lottery"}, "method 'lottery' is not known"),
        (8, {"n_periods": 0}, "n_periods must be at least 1"),
        (8, {"start": "someday"}, "start 'someday'"),
        (8, {"sub_team_size": (6, 4)}, "sub_team_size"),
        (30, {"split_above": 5}, "split_above=5 is below"),
    ],
)
def test_bad_options_say_what_to_do(reps, options, message):
    with pytest.raises(ToolkitError, match=message):
        _schedule(reps, rng=0, **options)


def test_too_small_sub_team_is_named():
    team = pd.DataFrame({"rep": list("abcdefgh"), "sub_team": ["x"] * 5 + ["y"] * 3})

    with pytest.raises(ToolkitError, match=r"sub-team 'y' has 3 rep\(s\)"):
        _schedule(team, rng=0)


def test_reps_csv_with_sub_teams_and_managers(tmp_path: Path):
    path = tmp_path / "reps.csv"
    path.write_text("rep,sub_team,manager\nana,a,kim\n ben ,a,kim\ncy,b,kim\n")

    team = read_reps(path)

    assert team["rep"].tolist() == ["ana", "ben", "cy"]
    assert team["sub_team"].tolist() == ["a", "a", "b"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name\nana\n", "no column 'rep'"),
        ("rep\nana\n\nana\n", "rep 'ana' appears on lines 2, 4"),
        ("rep,sub_team\nana,a\nben,\n", "line 3: column 'sub_team' is blank"),
        ("rep\n", "the reps list is empty"),
    ],
)
def test_bad_reps_file_names_the_line(tmp_path: Path, text, message):
    path = tmp_path / "reps.csv"
    path.write_text(text)

    with pytest.raises(ToolkitError, match=message):
        read_reps(path)


def test_conflicts_csv_is_symmetric_and_checked(tmp_path: Path):
    path = tmp_path / "conflicts.csv"
    path.write_text("rep_a,rep_b,reason\nana,ben,friend\nben,ana,\ncy,ana,\n")

    pairs = read_conflicts(path, ["ana", "ben", "cy"])

    assert pairs.to_dict("records") == [
        {"rep_a": "ana", "rep_b": "ben", "reason": "friend"},
        {"rep_a": "cy", "rep_b": "ana", "reason": ""},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\nana,ben\n", "no column\\(s\\) 'rep_a', 'rep_b'"),
        ("rep_a,rep_b\nana,zoe\n", "line 2 of the conflicts list: 'zoe' is not"),
        ("rep_a,rep_b\nana,ben\nben,ben\n", "line 3 .* pairs 'ben' with themselves"),
    ],
)
def test_bad_conflicts_file_names_the_line(tmp_path: Path, text, message):
    path = tmp_path / "conflicts.csv"
    path.write_text(text)

    with pytest.raises(ToolkitError, match=message):
        read_conflicts(path, ["ana", "ben", "cy"])


# ---------------------------------------------------------------- access
def _dated(seed=0):
    return _schedule(7, n_periods=6, start="2025-01", rotation=1, rng=seed)


def test_access_list_opens_each_assigned_pair_for_its_period_and_grace():
    schedule = _dated()

    access = schedule.access_list(grace_days=7)

    assert len(access.frame) == len(schedule.frame)
    row = access.frame.iloc[0]
    assert str(row["opens"].date()) == "2025-01-01"
    assert str(row["closes"].date()) == "2025-02-07"


def test_log_check_finds_exactly_the_planted_violations():
    # two quarters of 7 reps: 28 of the 42 pairs are used, so some never are
    schedule = _schedule(7, n_periods=6, start="2025-01", rotation=3, rng=4)
    frame = schedule.frame
    pairs = set(zip(frame["period"], frame["reviewer"], frame["rep"], strict=True))
    rng = np.random.default_rng(0)
    sample = frame.iloc[rng.choice(len(frame), 40, replace=False)]
    rows = [
        [reviewer, rep, (start + pd.Timedelta(days=10)).strftime("%Y-%m-%d")]
        for reviewer, rep, start in zip(
            sample["reviewer"], sample["rep"], sample["start"], strict=True
        )
    ]
    # plant one review of each kind outside the assignment at known rows
    later = next(
        (a, b)
        for _, a, b in sorted(pairs)
        if (4, a, b) in pairs and (1, a, b) not in pairs
    )
    never = next(
        (a, b)
        for a, b in itertools.permutations(schedule.team["rep"], 2)
        if not any((p, a, b) in pairs for p in range(1, 7))
    )
    rep1 = schedule.team["rep"][0]
    planted = {
        5: (rep1, rep1, "2025-02-03", "self_review"),
        12: ("zoe", rep1, "2025-03-03", "unknown_reviewer"),
        20: (rep1, "yan", "2025-03-03", "unknown_rep"),
        30: (*later, "2025-02-20", "other_period"),
        41: (*never, "2025-06-30", "not_assigned"),
    }
    for row, (reviewer, rep, day, _) in sorted(planted.items()):
        rows.insert(row - 1, [reviewer, rep, day])
    log = pd.DataFrame(rows, columns=["who", "whose", "when"])

    check = check_review_log(schedule, log, reviewer="who", rep="whose", date="when")

    found = dict(zip(check.violations["row"], check.violations["reason"], strict=True))
    assert found == {row: planted[row][3] for row in planted}
    assert check.n_reviews == 45
    assert not check.ok
    assert check.by_reason().sum() == 5
    other = check.violations.set_index("row").loc[30]
    assert other["period"] == 2
    assert other["detail"] == "assigned in period(s) 4-6 only"


def test_grace_days_let_a_review_finish_after_the_period():
    schedule = _dated(seed=1)
    first = schedule.frame[schedule.frame["period"] == 1].iloc[0]
    if (
        (schedule.frame["period"] == 2)
        & (schedule.frame["reviewer"] == first["reviewer"])
        & (schedule.frame["rep"] == first["rep"])
    ).any():
        pytest.skip("pair also assigned in period 2")
    log = pd.DataFrame(
        {"reviewer": [first["reviewer"]], "rep": [first["rep"]], "date": ["2025-02-03"]}
    )

    strict = check_review_log(schedule, log)
    lenient = check_review_log(schedule.access_list(grace_days=5), log)

    assert strict.violations["reason"].tolist() == ["other_period"]
    assert lenient.ok


def test_log_by_period_number_or_label(tmp_path: Path):
    schedule = _dated(seed=2)
    first = schedule.frame.iloc[0]
    path = tmp_path / "log.csv"
    path.write_text(
        "reviewer,rep,period\n"
        f"{first['reviewer']},{first['rep']},1\n"
        f"{first['reviewer']},{first['rep']},2025-01\n"
    )

    assert check_review_log(schedule, path).ok


@pytest.mark.parametrize(
    ("log", "message"),
    [
        ({"reviewer": ["rep1"], "rep": ["rep2"]}, "no column\\(s\\) 'period'"),
        (
            {"reviewer": ["rep1", "rep2"], "rep": ["rep2", None], "period": [1, 1]},
            "row 2: column 'rep' is blank",
        ),
        (
            {"reviewer": ["rep1", "rep2"], "rep": ["rep2", "rep3"], "period": [1, 9]},
            r"row 2 of the review log: period 9 .* \(1 to 6\)",
        ),
    ],
)
def test_bad_log_rows_are_named(log, message):
    schedule = _schedule(7, n_periods=6, rng=0)

    with pytest.raises(ToolkitError, match=message):
        check_review_log(schedule, pd.DataFrame(log))


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("03/02/2025", "row 2 of the review log: '03/02/2025' .* is not a date"),
        ("2026-02-01", "row 2 of the review log: date 2026-02-01 .* outside"),
    ],
)
def test_bad_log_dates_are_named(day, message):
    log = pd.DataFrame(
        {
            "reviewer": ["rep1", "rep1"],
            "rep": ["rep2", "rep2"],
            "date": ["2025-01-05", day],
        }
    )

    with pytest.raises(ToolkitError, match=message):
        check_review_log(_dated(), log)


def test_access_list_keeps_its_grace():
    access = _dated().access_list(grace_days=3)

    assert isinstance(access, AccessList)
    with pytest.raises(ToolkitError, match="made with grace_days=3"):
        check_review_log(access, pd.DataFrame(), grace_days=0)


# ---------------------------------------------------------------- exports
def test_public_names_are_listed_and_import():
    for name in pairing.__all__:
        assert hasattr(pairing, name)
    assert {"pairing_schedule", "check_review_log", "PairingSchedule"} <= set(
        pairing.__all__
    )


def test_self_selection_does_not_split_a_large_team_to_keep_friends_apart():
    # assigned pairing keeps friends apart from the split on; self-selecting
    # peers act on friendships, so their sub-teams ignore them
    names = [f"rep{i:02d}" for i in range(30)]
    friends = [(names[i], names[i + 1], "friend") for i in range(0, 30, 2)]

    def sub_teams(method, conflicts):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GuideWarning)
            schedule = pairing_schedule(
                names, n_periods=1, method=method, conflicts=conflicts, rng=3
            )
        return schedule.team.set_index("rep")["sub_team"]

    def together(teams):
        return sum(teams[a] == teams[b] for a, b, _ in friends)

    chosen = sub_teams("self_selected", friends)
    assert chosen.equals(sub_teams("self_selected", None))
    assert together(sub_teams("assigned", friends)) < together(chosen)
