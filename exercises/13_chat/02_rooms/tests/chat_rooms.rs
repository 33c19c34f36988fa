//! Tests for the `chat_rooms` exercise. Do not edit: `cargo lab check chat_rooms` runs this file as
//! it is, against your `src/lib.rs`.

use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use chat_rooms::Rooms;

/// The time limit of every test; each needs well under a second.
const LIMIT: Duration = Duration::from_secs(10);

fn room(name: &str, members: usize) -> (String, usize) {
    (name.to_string(), members)
}

#[test]
fn the_first_join_creates_a_room_and_members_share_it() {
    testkit::within(LIMIT, || {
        let rooms = Rooms::new(16);
        assert_eq!(rooms.list(), vec![], "a new registry has no rooms");
        let (ann_tx, _ann_rx) = rooms.join("lobby");
        assert_eq!(
            rooms.list(),
            vec![room("lobby", 1)],
            "the first join creates the room, with one member"
        );
        let (_bob_tx, mut bob_rx) = rooms.join("lobby");
        assert_eq!(
            rooms.list(),
            vec![room("lobby", 2)],
            "a second join adds a member to the same room"
        );
        ann_tx.send(Arc::from("ann: hi\n")).unwrap();
        assert_eq!(
            bob_rx.try_recv().ok().as_deref(),
            Some("ann: hi\n"),
            "members of one room share one channel: a line one sends reaches the other"
        );
        let _ = rooms.join("kitchen");
        assert_eq!(
            rooms.list(),
            vec![room("kitchen", 1), room("lobby", 2)],
            "list is sorted by name"
        );
    });
}

#[test]
fn the_last_leave_removes_the_room() {
    testkit::within(LIMIT, || {
        let rooms = Rooms::new(16);
        let _a = rooms.join("lobby");
        let _b = rooms.join("lobby");
        rooms.leave("lobby");
        assert_eq!(
            rooms.list(),
            vec![room("lobby", 1)],
            "a room with a member left is kept, with one member fewer"
        );
        // The receivers `_a` and `_b` are still alive here, as they are in a server until the
        // connection's task ends: the count of members, not of receivers, decides.
        rooms.leave("lobby");
        assert_eq!(
            rooms.list(),
            vec![],
            "the room is still listed after its last member left: count members yourself (a receiver may outlive leave)"
        );
    });
}

#[test]
fn a_join_after_the_room_was_removed_gets_a_working_room() {
    testkit::within(LIMIT, || {
        let rooms = Rooms::new(16);
        let (old_tx, _old_rx) = rooms.join("lobby");
        rooms.leave("lobby");
        let (tx, _rx) = rooms.join("lobby");
        let (_, mut rx2) = rooms.join("lobby");
        assert!(
            !tx.same_channel(&old_tx),
            "the room was not removed by its last leave, so a later join found the old channel: count members yourself (a receiver may outlive leave)"
        );
        tx.send(Arc::from("x\n")).unwrap();
        assert!(
            rx2.try_recv().is_ok(),
            "the new room's members must share one channel: a line one sends reaches the other"
        );
    });
}

#[test]
fn a_join_racing_the_last_leave_is_never_lost() {
    testkit::within(LIMIT, || {
        // Two threads join and leave one room over and over. After each join, the joiner must
        // find the room listed: a leave that decides "last member" under one lock and removes
        // the room under another can remove it just after the other thread joined it.
        let rooms = Rooms::new(4);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..20_000 {
                        let (_tx, _rx) = rooms.join("busy");
                        let listed = rooms.list().iter().any(|(name, n)| name == "busy" && *n >= 1);
                        assert!(
                            listed,
                            "a member's room was removed under it: the last-member check and the removal must happen under one lock"
                        );
                        rooms.leave("busy");
                    }
                });
            }
        });
        assert_eq!(
            rooms.list(),
            vec![],
            "every member left, so no room is left"
        );
    });
}

#[test]
fn a_join_between_the_last_leave_s_check_and_its_removal_is_never_lost() {
    // The race above, made certain: the last member leaves, and another thread joins right after
    // the leaving thread releases a lock inside `leave` (through `testkit::sync::after_unlock`),
    // after the 1st release in one round, the 2nd in the next, and so on. A `leave` that counts
    // the member out under one guard and removes the room under another lets that join in
    // between, and then removes the room it joined. A `leave` that does both under one guard
    // releases the lock only once it is done, and the join makes a new room.
    testkit::within(LIMIT, || {
        let mut any_by_release = false;
        for nth in 1..=4 {
            let rooms = Arc::new(Rooms::new(4));
            let (_tx, _rx) = rooms.join("busy");
            let (joined_tx, joined_rx) = mpsc::channel();
            let other = Arc::clone(&rooms);
            testkit::sync::after_unlock(nth, move || {
                let member = std::thread::spawn(move || other.join("busy"))
                    .join()
                    .expect("the other thread's join panicked");
                let _ = joined_tx.send(member);
            });
            rooms.leave("busy");
            testkit::sync::cancel_after_unlock();
            // Without an `nth` release of `testkit::sync::Mutex` in `leave`, this round has
            // nothing to show.
            let Ok(_member) = joined_rx.try_recv() else {
                continue;
            };
            any_by_release = true;
            assert!(
                rooms.list().contains(&room("busy", 1)),
                "a member's room was removed under it: another thread joined right after `leave` \
                 released the lock (release {nth} inside `leave`), between counting the last \
                 member out and removing the room, and the room it joined was then removed. The \
                 last-member check and the removal must happen under one lock guard; rooms now: \
                 {:?}",
                rooms.list()
            );
        }
        assert!(
            any_by_release,
            "leave never released a lock of the `Mutex` imported at the top of src/lib.rs \
             (`testkit::sync::Mutex`), so this test could not put a join right after a release \
             inside leave, where a race hides. Keep that `Mutex` for the rooms: it is std's \
             `Mutex`, with the hook this test uses"
        );
    });
}

#[test]
fn a_join_interrupted_by_the_last_leave_keeps_its_room() {
    // The race from the other side: a room has one member; another thread joins it, and the last
    // member leaves right after the joining thread releases a lock inside `join` (the 1st release
    // in one round, the 2nd in the next...). A `join` that makes sure the room exists under one
    // guard and counts the member (or takes its sender) under another lets that leave remove the
    // room in between. A `join` that does it all under one guard has joined by then, and the
    // leave leaves the room to the joiner.
    testkit::within(LIMIT, || {
        for nth in 1..=4 {
            let rooms = Arc::new(Rooms::new(4));
            let _first = rooms.join("busy");
            let (left_tx, left_rx) = mpsc::channel();
            let other = Arc::clone(&rooms);
            testkit::sync::after_unlock(nth, move || {
                std::thread::spawn(move || other.leave("busy"))
                    .join()
                    .expect("the other thread's leave panicked");
                let _ = left_tx.send(());
            });
            let joined =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rooms.join("busy")));
            testkit::sync::cancel_after_unlock();
            let Ok(()) = left_rx.try_recv() else {
                continue;
            };
            let (tx, _rx) = joined.unwrap_or_else(|_| {
                panic!(
                    "join panicked when the room's last member left between two of its lock \
                     guards (right after release {nth} inside join): it made sure the room \
                     existed under one guard and went back for it under another, and the room \
                     had been removed in between. Find or create the room, count the member and \
                     take its sender under one lock guard"
                )
            });
            let (now_tx, _now_rx) = rooms.join("busy");
            assert!(
                tx.same_channel(&now_tx),
                "a member joined a room that was removed under it: the last member left right \
                 after release {nth} inside join, between two of its lock guards, and the joiner \
                 kept the removed room's channel, not the same channel as those who join the \
                 room now. Find or create the room, count the member and take its sender under \
                 one lock guard"
            );
            assert_eq!(
                rooms.list(),
                vec![room("busy", 2)],
                "the joiner and the one who joined after it are the room's members (release \
                 {nth} inside join): find or create the room and count the member under one \
                 lock guard"
            );
        }
    });
}
