//! Texts of notices: short messages Homeroom sends on its own (new classes, a class claimed, a
//! sync that needs an admin, one-time codes). Every value from data is escaped in HTML bodies.

use html_escape::encode_text as esc;

use super::message::Payload;

/// A notice: a subject, a greeting and paragraphs for email, and a one-line text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeText {
    /// Email subject.
    pub subject: String,
    /// Given name to greet, if known.
    pub greeting: Option<String>,
    /// Email paragraphs (plain text).
    pub paragraphs: Vec<String>,
    /// The text-message body.
    pub sms: String,
}

impl NoticeText {
    /// The email.
    pub fn email(&self) -> Payload {
        let hello = self
            .greeting
            .as_ref()
            .map(|g| format!("Hello {g},\n\n"))
            .unwrap_or_default();
        let text = format!("{hello}{}\n", self.paragraphs.join("\n\n"));
        let mut html = String::from("<!doctype html><html><body style=\"font-family:sans-serif\">");
        if let Some(g) = &self.greeting {
            html.push_str(&format!("<p>Hello {},</p>", esc(g)));
        }
        for p in &self.paragraphs {
            html.push_str(&format!("<p>{}</p>", esc(p)));
        }
        html.push_str("</body></html>");
        Payload::Email {
            subject: self.subject.clone(),
            text,
            html,
        }
    }

    /// The text message.
    pub fn sms(&self) -> Payload {
        Payload::Sms {
            body: self.sms.clone(),
        }
    }
}

/// "A", "A and B", "A, B and C".
pub fn join_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_greet_join_and_escape() {
        let n = NoticeText {
            subject: "New classes".into(),
            greeting: Some("<Tia>".into()),
            paragraphs: vec!["You teach A1 & A2.".into()],
            sms: "Homeroom: you teach A1 & A2.".into(),
        };
        let Payload::Email { text, html, .. } = n.email() else {
            panic!("not an email")
        };
        assert_eq!(text, "Hello <Tia>,\n\nYou teach A1 & A2.\n");
        assert!(html.contains("&lt;Tia&gt;") && html.contains("A1 &amp; A2"));
        assert_eq!(
            join_list(&["a".into(), "b".into(), "c".into()]),
            "a, b and c"
        );
    }
}
