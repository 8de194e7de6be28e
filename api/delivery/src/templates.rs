//! Message texts. Every value that comes from data is escaped in HTML bodies.

use html_escape::encode_text as esc;

use super::message::Payload;

/// Who a message says invited the guardian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inviter<'a> {
    /// The district itself (an import, an operator's token).
    District,
    /// A staff member, by the name on the school's records.
    Staff(&'a str),
    /// Another guardian of the student. Never by name: a guardian chooses their own name when
    /// they claim their account, and a message must not let them speak as the school.
    Guardian,
}

/// What an invitation message says.
#[derive(Debug, Clone)]
pub struct InvitationText<'a> {
    /// District name.
    pub district: &'a str,
    /// Given name of the invited guardian.
    pub guardian: &'a str,
    /// Who invited them.
    pub inviter: Inviter<'a>,
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
            Inviter::Staff(name) => format!("{name} at {}", self.district),
            Inviter::Guardian => format!("Another guardian at {}", self.district),
            Inviter::District => self.district.to_owned(),
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

/// What a staff invitation says: set a password to sign in.
#[derive(Debug, Clone)]
pub struct StaffInvitationText<'a> {
    /// District name.
    pub district: &'a str,
    /// Given name of the invited staff member.
    pub given_name: &'a str,
    /// Who invited them.
    pub inviter: Inviter<'a>,
    /// The acceptance link.
    pub link: &'a str,
    /// Expiry date (e.g. `2026-12-07`).
    pub expires_on: &'a str,
}

impl StaffInvitationText<'_> {
    fn who(&self) -> String {
        InvitationText {
            district: self.district,
            guardian: self.given_name,
            inviter: self.inviter,
            students: &[],
            class_title: None,
            link: self.link,
            expires_on: self.expires_on,
        }
        .who()
    }

    /// The email.
    pub fn email(&self) -> Payload {
        let subject = format!("{} invites you to sign in to Homeroom", self.who());
        let text = format!(
            "Hello {name},\n\n{who} invites you to sign in to Homeroom, where you see your \
             classes and reach your students' families.\n\nSet your password:\n{link}\n\n\
             This link works until {expires}. If you were not expecting this message, you can \
             ignore it.\n",
            name = self.given_name,
            who = self.who(),
            link = self.link,
            expires = self.expires_on,
        );
        let html = format!(
            "<!doctype html><html><body style=\"font-family:sans-serif\">\
             <p>Hello {name},</p>\
             <p>{who} invites you to sign in to Homeroom, where you see your classes and reach \
             your students' families.</p>\
             <p><a href=\"{link}\" style=\"font-weight:bold\">Set your password</a></p>\
             <p style=\"color:#555\">This link works until {expires}. If you were not expecting \
             this message, you can ignore it.</p></body></html>",
            name = esc(self.given_name),
            who = esc(&self.who()),
            link = html_escape::encode_double_quoted_attribute(self.link),
            expires = esc(self.expires_on),
        );
        Payload::Email {
            subject,
            text,
            html,
        }
    }

    /// The text message.
    pub fn sms(&self) -> Payload {
        Payload::Sms {
            body: format!(
                "{}: set your Homeroom password by {}: {}",
                self.who(),
                self.expires_on,
                self.link
            ),
        }
    }
}

/// What a password reset email says.
#[derive(Debug, Clone)]
pub struct PasswordResetText<'a> {
    /// District name.
    pub district: &'a str,
    /// Given name of the account's person.
    pub given_name: &'a str,
    /// The reset link.
    pub link: &'a str,
    /// Minutes the link works.
    pub minutes: i64,
}

impl PasswordResetText<'_> {
    /// The email.
    pub fn email(&self) -> Payload {
        let subject = format!("Reset your Homeroom password ({})", self.district);
        let text = format!(
            "Hello {name},\n\nSomeone (we hope you) asked to reset the password of your Homeroom \
             account at {district}. Choose a new password here:\n{link}\n\nThe link works once, \
             for {minutes} minutes. Your other sign-ins end when you use it. If you did not ask, \
             ignore this message: your password stays as it is.\n",
            name = self.given_name,
            district = self.district,
            link = self.link,
            minutes = self.minutes,
        );
        let html = format!(
            "<!doctype html><html><body style=\"font-family:sans-serif\">\
             <p>Hello {name},</p>\
             <p>Someone (we hope you) asked to reset the password of your Homeroom account at \
             {district}.</p>\
             <p><a href=\"{link}\" style=\"font-weight:bold\">Choose a new password</a></p>\
             <p style=\"color:#555\">The link works once, for {minutes} minutes. Your other \
             sign-ins end when you use it. If you did not ask, ignore this message: your password \
             stays as it is.</p></body></html>",
            name = esc(self.given_name),
            district = esc(self.district),
            link = html_escape::encode_double_quoted_attribute(self.link),
            minutes = self.minutes,
        );
        Payload::Email {
            subject,
            text,
            html,
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
            inviter: Inviter::Staff("Edna Krabappel"),
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

    #[test]
    fn a_guardians_invitation_never_carries_their_chosen_name() {
        let students = vec!["Ana".to_owned()];
        let t = InvitationText {
            district: "Springfield USD",
            guardian: "Marge",
            inviter: Inviter::Guardian,
            students: &students,
            class_title: None,
            link: "https://h.example/invitations/abc",
            expires_on: "2026-12-07",
        };
        let Payload::Email { subject, .. } = t.email() else {
            panic!("not an email")
        };
        assert_eq!(
            subject,
            "Another guardian at Springfield USD invites you to follow Ana"
        );
    }
}
