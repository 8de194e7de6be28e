//! Pages served to people following links: the invitation page and the password reset page. It holds nothing secret: it
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
<div id="family">
<label>Given name <input name="givenName" required></label>
<label>Family name <input name="familyName" required></label>
<label>Mobile phone (optional) <input name="phone" type="tel"></label>
<label><input name="lives" type="checkbox" style="width:auto"> The student lives with me</label>
</div>
<label>Choose a password (12 characters or more; a few unrelated words work well) <input name="password" type="password" minlength="12" required></label>
<button>Accept invitation</button><p class="err" id="err"></p></form>
<script>
const token = decodeURIComponent(location.pathname.split('/').pop());
const gql = (query, variables) => fetch('/graphql', {method: 'POST',
  headers: {'content-type': 'application/json'}, body: JSON.stringify({query, variables})})
  .then(r => r.json());
const intro = document.getElementById('intro'), form = document.getElementById('f');
let staff = false;
gql('query($t:String!){invitationPreview(token:$t){districtName guardianGivenName studentGivenNames invitedByName canAccept purpose}}', {t: token})
  .then(({data}) => {
    const p = data && data.invitationPreview;
    if (!p) { intro.textContent = 'This invitation link is not valid.'; return; }
    if (!p.canAccept) { intro.textContent = 'This invitation can no longer be accepted. Ask the school to send it again.'; return; }
    staff = p.purpose === 'STAFF';
    const who = p.invitedByName ? `${p.invitedByName} at ${p.districtName}` : p.districtName;
    intro.textContent = staff
      ? `Hello ${p.guardianGivenName}: ${who} invites you to sign in to Homeroom. Choose your password.`
      : `Hello ${p.guardianGivenName}: ${who} invites you to follow ${p.studentGivenNames.join(', ')}.`;
    if (staff) {
      const family = document.getElementById('family');
      family.hidden = true;
      for (const input of family.querySelectorAll('input')) input.disabled = true;
    }
    form.hidden = false;
  });
form.addEventListener('submit', e => {
  e.preventDefault();
  const d = new FormData(form);
  gql('mutation($t:String!,$p:ProfileInput!,$pw:String!){acceptInvitation(token:$t,profile:$p,password:$pw){token userErrors{message}}}',
    {t: token, pw: d.get('password'), p: staff ? {givenName: '', familyName: ''} :
      {givenName: d.get('givenName'), familyName: d.get('familyName'),
       phone: d.get('phone') || null, livesWithStudent: d.get('lives') === 'on'}})
    .then(({data}) => {
      const r = data && data.acceptInvitation;
      if (r && r.token) { form.hidden = true; intro.textContent = 'Your account is ready. Sign in with your email address and password.'; }
      else { document.getElementById('err').textContent = (r ? r.userErrors.map(u => u.message).join(' ') : 'Something went wrong.'); }
    });
});
</script></body></html>"#;

const RESET_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Reset your Homeroom password</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}
label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem}button{padding:.5rem 1rem}
.err{color:#a00}</style></head>
<body><h1>Homeroom</h1><p id="intro">Choose a new password. Your other sign-ins end when you save it.</p>
<form id="f">
<label>New password (12 characters or more; a few unrelated words work well) <input name="password" type="password" minlength="12" autocomplete="new-password" required></label>
<button>Save password</button><p class="err" id="err" role="alert"></p></form>
<script>
const token = decodeURIComponent(location.pathname.split('/').pop());
const form = document.getElementById('f'), intro = document.getElementById('intro');
form.addEventListener('submit', e => {
  e.preventDefault();
  fetch('/graphql', {method: 'POST', headers: {'content-type': 'application/json'},
    body: JSON.stringify({query: 'mutation($t:String!,$p:String!){resetPassword(token:$t,password:$p){token userErrors{message}}}',
      variables: {t: token, p: new FormData(form).get('password')}})})
    .then(r => r.json())
    .then(({data}) => {
      const r = data && data.resetPassword;
      if (r && r.token) { form.hidden = true; intro.textContent = 'Your password is changed. Sign in with your email address and the new password.'; }
      else { document.getElementById('err').textContent = (r ? r.userErrors.map(u => u.message).join(' ') : 'Something went wrong.'); }
    });
});
</script></body></html>"#;

/// `GET /password-reset/{token}`.
pub async fn reset_page() -> impl IntoResponse {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        Html(RESET_PAGE),
    )
}

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
