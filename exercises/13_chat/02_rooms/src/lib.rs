//! # Exercise: a room registry
//!
//! Chapter 13, *A chat server*. [`Rooms`] keeps the chat server's rooms: a room is created by its
//! first [`join`](Rooms::join) and removed by its last [`leave`](Rooms::leave), and every member
//! of a room shares one `broadcast` channel. Many connection tasks call these methods at once, so
//! a join that races the last leave must never end up in a room that is no longer listed.
//!
//! The tests live in `tests/chat_rooms.rs`. Do not edit them: `cargo lab check chat_rooms` runs
//! them as they are, and so does CI against the solution.

use std::sync::Arc;

// std's `Mutex`, wrapped: it behaves exactly like `std::sync::Mutex`, and lets the tests put
// another thread's join right after a lock is released, where a race can hide.
#[allow(unused_imports, reason = "for the state you add")]
use testkit::sync::Mutex;
use tokio::sync::broadcast;

/// A room's channel carries finished lines, shared by every receiver through the `Arc`.
pub type RoomSender = broadcast::Sender<Arc<str>>;

/// The rooms of a chat server, by name.
pub struct Rooms {
    /// The channel capacity of every new room.
    capacity: usize,
    // TODO: add the state: each room's sender and its number of members, by name. Think about
    // which lock guards what: deciding "that was the last member" and removing the room must not
    // be two separate steps another thread can get between. Keep the `Mutex` imported above (the
    // tests use its hook); it is right here: nothing awaits while it is held. A `BTreeMap` keeps
    // the names sorted for `list`.
}

impl Rooms {
    /// No rooms yet; each room will get a channel of `capacity`.
    pub fn new(capacity: usize) -> Rooms {
        Rooms { capacity }
    }

    /// Joins room `name`, creating it if it does not exist. Returns the room's sender and a new
    /// receiver for it.
    pub fn join(&self, name: &str) -> (RoomSender, broadcast::Receiver<Arc<str>>) {
        // TODO: find or create the room (`broadcast::channel(self.capacity)`), count the member,
        // and hand back a clone of its sender and a new receiver (`subscribe`).
        let _ = (name, self.capacity);
        todo!("join a room")
    }

    /// Leaves room `name`; removes the room when this was its last member.
    pub fn leave(&self, name: &str) {
        // TODO: count the member out, and remove the room if nobody is left.
        let _ = name;
        todo!("leave a room")
    }

    /// Every room and its number of members, sorted by name.
    pub fn list(&self) -> Vec<(String, usize)> {
        todo!("list the rooms")
    }
}
