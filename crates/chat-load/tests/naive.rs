//! The naive baseline speaks the protocol the load generator expects.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One client: its lines and its write half.
struct Client {
    lines: tokio::io::Lines<BufReader<tokio::net::tcp::OwnedReadHalf>>,
    write: tokio::net::tcp::OwnedWriteHalf,
}

impl Client {
    async fn connect(addr: std::net::SocketAddr) -> Client {
        let (read, write) = TcpStream::connect(addr)
            .await
            .expect("connect")
            .into_split();
        Client {
            lines: BufReader::new(read).lines(),
            write,
        }
    }

    async fn say(&mut self, line: &str) {
        self.write
            .write_all(format!("{line}\n").as_bytes())
            .await
            .expect("write");
    }

    async fn next(&mut self) -> String {
        self.lines
            .next_line()
            .await
            .expect("read")
            .expect("the server closed the connection")
    }
}

#[test]
fn the_naive_server_wants_a_nick_then_broadcasts_to_everyone_else() {
    testkit::run(
        testkit::Flavor::MultiThread,
        Duration::from_secs(20),
        || async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(chat_load::naive::serve(listener, std::future::pending()));

            let mut ann = Client::connect(addr).await;
            assert!(
                ann.next().await.starts_with("* "),
                "the first line is a `* ` welcome notice"
            );
            ann.say("hello?").await;
            assert!(
                ann.next().await.starts_with("! "),
                "a line before /nick gets a `! ` error reply"
            );
            ann.say("/nick ann").await;
            assert_eq!(
                ann.next().await,
                "* you are ann, in room lobby",
                "/nick is answered with the line --ready \" lobby\" waits for"
            );

            let mut bob = Client::connect(addr).await;
            bob.next().await;
            bob.say("/nick bob").await;
            bob.next().await;
            ann.say("LG 0 1 2 hi").await;
            assert_eq!(
                bob.next().await,
                "ann: LG 0 1 2 hi",
                "a message reaches the others as `<nick>: <text>`"
            );
            bob.say("/who").await;
            bob.say("back").await;
            assert_eq!(
                ann.next().await,
                "bob: back",
                "other commands are ignored, and a sender never gets its own message back"
            );
        },
    );
}
