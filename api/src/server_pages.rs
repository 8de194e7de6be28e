//! Pages served to people following links: the invitation page. It holds nothing secret: it
//! asks the API (`invitationPreview`, `acceptInvitation`) with the token from its own URL.

use axum::http::header;
use axum::response::{Html, IntoResponse};

const INVITATION_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Homeroom invitation</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem}button{padding:.5rem 1rem}
.err{color:#a00}</style></head>
<body><h1>Homeroom</h1><div id="intro">Loading your invitation…</div>
<form id="f" hidden>
<label>Given name <input name="givenName" required></label>
<label>Family name <input name="familyName" required></label>
<label>Mobile phone (optional) <input name="phone" type="tel"></label>
<label><input name="lives" type="checkbox" style="width:auto"> The student lives with me</label>
<label>Choose a password (10 characters or more) <input name="password" type="password" minlength="10" required></label>
<button>Accept invitation</button><p class="err" id="err"></p></form>
<script>
const token = decodeURIComponent(location.pathname.split('/').pop());
const gql = (query, variables) => fetch('/graphql', {method: 'POST',
  headers: {'content-type': 'application/json'}, body: JSON.stringify({query, variables})})
  .then(r => r.json());
const intro = document.getElementById('intro'), form = document.getElementById('f');
gql('query($t:String!){invitationPreview(token:$t){districtName guardianGivenName studentGivenNames invitedByName canAccept}}', {t: token})
  .then(({data}) => {
    const p = data && data.invitationPreview;
    if (!p) { intro.textContent = 'This invitation link is not valid.'; return; }
    if (!p.canAccept) { intro.textContent = 'This invitation can no longer be accepted. Ask the school to send it again.'; return; }
    intro.textContent = `Hello ${p.guardianGivenName}: ${p.invitedByName || p.districtName} invites you to follow ${p.studentGivenNames.join(', ')}.`;
    form.hidden = false;
  });
form.addEventListener('submit', e => {
  e.preventDefault();
  const d = new FormData(form);
  gql('mutation($t:String!,$p:ProfileInput!,$pw:String!){acceptInvitation(token:$t,profile:$p,password:$pw){token userErrors{message}}}',
    {t: token, pw: d.get('password'), p: {givenName: d.get('givenName'), familyName: d.get('familyName'),
      phone: d.get('phone') || null, livesWithStudent: d.get('lives') === 'on'}})
    .then(({data}) => {
      const r = data && data.acceptInvitation;
      if (r && r.token) { form.hidden = true; intro.textContent = 'Your account is ready. Sign in with your email address and password.'; }
      else { document.getElementById('err').textContent = (r ? r.userErrors.map(u => u.message).join(' ') : 'Something went wrong.'); }
    });
});
</script></body></html>"#;

/// `GET /invitations/{token}`.
pub async fn invitation_page() -> impl IntoResponse {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(INVITATION_PAGE),
    )
}
