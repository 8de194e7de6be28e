//! Message texts. Every value that comes from data is escaped in HTML bodies.

use html_escape::encode_text as esc;

use super::message::Payload;

/// What an invitation message says.
#[derive(Debug, Clone)]
pub struct InvitationText<'a> {
    /// District name.
    pub district: &'a str,
    /// Given name of the invited guardian.
    pub guardian: &'a str,
    /// Full name of the person who invited them (a teacher), if a person did.
    pub inviter: Option<&'a str>,
    /// Given names of the students the guardian is linked to.
    pub students: &'a [String],
    /// Class title, when the invitation came from a class.
    pub class_title: Option<&'a str>,
    /// The acceptance link.
    pub link: &'a str,
    /// Expiry date (e.g. `2026-12-07`).
    pub expires_on: &'a str,
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => "your student".to_owned(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

impl InvitationText<'_> {
    fn who(&self) -> String {
        match self.inviter {
            Some(name) => format!("{name} at {}", self.district),
            None => self.district.to_owned(),
        }
    }

    /// The email.
    pub fn email(&self) -> Payload {
        let students = join_names(self.students);
        let class = self
            .class_title
            .map(|c| format!(" in {c}"))
            .unwrap_or_default();
        let subject = format!("{} invites you to follow {students}{class}", self.who());
        let text = format!(
            "Hello {guardian},\n\n{who} invites you to join Homeroom to stay connected with \
             {students}{class}.\n\nAccept your invitation and set up your account:\n{link}\n\n\
             This link works until {expires}. If you were not expecting this message, you can \
             ignore it.\n",
            guardian = self.guardian,
            who = self.who(),
            link = self.link,
            expires = self.expires_on,
        );
        let html = format!(
            "<!doctype html><html><body style=\"font-family:sans-serif\">\
             <p>Hello {guardian},</p>\
             <p>{who} invites you to join Homeroom to stay connected with <strong>{students}</strong>{class}.</p>\
             <p><a href=\"{link}\" style=\"font-weight:bold\">Accept your invitation</a></p>\
             <p style=\"color:#555\">This link works until {expires}. If you were not expecting \
             this message, you can ignore it.</p></body></html>",
            guardian = esc(self.guardian),
            who = esc(&self.who()),
            students = esc(&students),
            class = esc(&class),
            link = html_escape::encode_double_quoted_attribute(self.link),
            expires = esc(self.expires_on),
        );
        Payload::Email {
            subject,
            text,
            html,
        }
    }

    /// The text message (short: one or two SMS segments).
    pub fn sms(&self) -> Payload {
        Payload::Sms {
            body: format!(
                "{}: join Homeroom to follow {}. Accept by {}: {}",
                self.who(),
                join_names(self.students),
                self.expires_on,
                self.link
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invitation_texts_name_everyone_and_escape_html() {
        let students = vec!["Ana".to_owned(), "Ben".to_owned(), "<Cy>".to_owned()];
        let t = InvitationText {
            district: "Springfield USD",
            guardian: "Marge",
            inviter: Some("Edna Krabappel"),
            students: &students,
            class_title: Some("Grade 4"),
            link: "https://h.example/invitations/abc",
            expires_on: "2026-12-07",
        };
        let Payload::Email {
            subject,
            text,
            html,
        } = t.email()
        else {
            panic!("not an email")
        };
        assert_eq!(
            subject,
            "Edna Krabappel at Springfield USD invites you to follow Ana, Ben and <Cy> in Grade 4"
        );
        assert!(text.contains("https://h.example/invitations/abc"));
        assert!(html.contains("&lt;Cy&gt;") && !html.contains("<Cy>"));
        let Payload::Sms { body } = t.sms() else {
            panic!("not an sms")
        };
        assert!(body.ends_with("https://h.example/invitations/abc"));
    }
}
