import{A as e,C as t,D as n,F as r,O as i,T as a,Z as o,_ as s,a as c,b as l,c as u,d,g as f,i as p,m,n as h,o as g,r as _,s as v,t as y,u as b,vt as x,w as S,x as C,yt as w}from"./index-83YUJbmz.js";import{t as T}from"./Card-C5JjUZ8l.js";import{t as E}from"./Checkbox-BIyRmPsK.js";import{t as D}from"./NativeSelect-CVfpAE4X.js";import{t as O}from"./Table-C6Lbetwx.js";import{a as k,i as A,n as j,r as M,t as N}from"./families-CBRQRjYu.js";var P=w(x(),1),F=o(),I=m(`
  query FamilyClasses {
    classes(first: 500) {
      totalCount
      nodes { id title school { id name } }
    }
  }
`),L=m(`
  query FamilyInviteManager($id: ID!, $state: InviteState) {
    class(id: $id) {
      id
      title
      students { id displayName }
      familyInviteManager(first: 500, filter: { state: $state }) {
        totalCount
        nodes {
          id
          kind
          state
          guardian { id displayName }
          student { id displayName }
          contactPoints { id kind value masked verified reachable unreachableReason }
          invitation { id status channel lastError attempts resendCount sentAt deliveredAt acceptedAt expiresAt }
        }
      }
    }
  }
`),R=m(`
  mutation InviteFamilies($classId: ID!, $relationshipIds: [ID!], $all: Boolean, $channel: Channel) {
    inviteFamilies(classId: $classId, relationshipIds: $relationshipIds, all: $all, channel: $channel) {
      invitations { id status }
      userErrors { field message code }
    }
  }
`),z=m(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      invitation { id status resendCount expiresAt }
      userErrors { field message code }
    }
  }
`),B=m(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      invitation { id status }
      userErrors { field message code }
    }
  }
`),ee=m(`
  mutation ResetContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`),V=m(`
  mutation InviteGuardian($studentId: ID!, $input: GuardianInviteInput!) {
    inviteGuardian(studentId: $studentId, input: $input) {
      invitations { id status }
      userErrors { field message code }
    }
  }
`),te=[`NOT_INVITED`,`INVITED`,`DELIVERED`,`FAILED`,`ACCEPTED`],H=[`PARENT`,`GUARDIAN`,`RELATIVE`,`AIDE`,`OTHER`];function U(){let{classId:e}=s(),t=f(),[{data:n,fetching:r,error:i}]=C({query:I});return(0,F.jsxs)(c,{title:`Families`,children:[r&&!n?(0,F.jsx)(_,{label:`Loading classes`}):i?(0,F.jsx)(h,{error:i}):(0,F.jsx)(D,{label:`Class`,maw:480,value:e??``,onChange:e=>t(e.currentTarget.value?`/families/${encodeURIComponent(e.currentTarget.value)}`:`/families`),data:[{value:``,label:`Choose a class…`},...(n?.classes.nodes??[]).map(e=>({value:e.id,label:e.school?`${e.title} (${e.school.name})`:e.title}))]}),e?(0,F.jsx)(W,{classId:e},e):(0,F.jsx)(y,{children:`Choose a class to see its families.`})]})}function W({classId:o}){let[s,c]=(0,P.useState)(``),[d,f]=(0,P.useState)(``),[{data:m,fetching:b,error:x},S]=C({query:L,variables:{id:o,state:s||void 0},requestPolicy:`cache-and-network`}),[w,T]=(0,P.useState)(new Set),[I,V]=(0,P.useState)([]),[H,U]=(0,P.useState)({}),[W,G]=l(R),[,re]=l(z),[,ie]=l(B),[,ae]=l(ee),K=(0,P.useMemo)(()=>m?.class?.familyInviteManager.nodes??[],[m]),q=M(K);if((0,P.useEffect)(()=>{if(!q)return;let e=setInterval(()=>S({requestPolicy:`network-only`}),1500);return()=>clearInterval(e)},[q,S]),b&&!m)return(0,F.jsx)(_,{label:`Loading families`});if(x)return(0,F.jsx)(h,{error:x});let J=m?.class;if(!J)return(0,F.jsx)(y,{children:`This class does not exist or is not visible to you.`});let Y=J.familyInviteManager,X=()=>S({requestPolicy:`network-only`});async function Z(e){V([]);let t=await G({classId:o,channel:d||null,...e});V(t.data?.inviteFamilies.userErrors??[]),T(new Set),X()}async function Q(e,t){let n=await t();U(t=>({...t,[e]:n.failed??n.errors.map(e=>e.message).join(` `)})),X()}let $=K.filter(e=>e.state===`NOT_INVITED`).map(e=>e.id);return(0,F.jsxs)(a,{gap:`md`,children:[(0,F.jsxs)(t,{order:3,size:`h4`,children:[`Family invite manager: `,J.title]}),(0,F.jsxs)(r,{align:`flex-end`,gap:`sm`,wrap:`wrap`,children:[(0,F.jsx)(D,{label:`State`,value:s,onChange:e=>{c(e.currentTarget.value),T(new Set)},data:[{value:``,label:`All states`},...te.map(e=>({value:e,label:u(e)}))]}),(0,F.jsx)(D,{label:`Send by`,description:`Families without it get the other channel`,value:d,onChange:e=>f(e.currentTarget.value),data:[{value:``,label:`District default`},{value:`EMAIL`,label:`Email`},{value:`SMS`,label:`Text message`}]}),(0,F.jsxs)(n,{onClick:()=>Z({relationshipIds:[...w]}),disabled:w.size===0,loading:W.fetching&&!W.operation?.variables.all,children:[`Invite selected (`,w.size,`)`]}),(0,F.jsx)(n,{onClick:()=>Z({all:!0}),loading:W.fetching&&!!W.operation?.variables.all,variant:`default`,children:`Invite all`})]}),(0,F.jsxs)(e,{role:`status`,"aria-live":`polite`,children:[Y.totalCount,` `,Y.totalCount===1?`family link`:`family links`,q?` · sending invitations…`:``]}),(0,F.jsx)(p,{messages:I.map(e=>e.message),title:`Some families were not invited`}),(0,F.jsx)(h,{error:W.error}),K.length===0?(0,F.jsxs)(y,{children:[`No families `,s?`in state “${u(s)}”`:`in this class`,`.`]}):(0,F.jsx)(O.ScrollContainer,{minWidth:820,children:(0,F.jsxs)(O,{striped:!0,"aria-label":`Families`,children:[(0,F.jsx)(O.Thead,{children:(0,F.jsxs)(O.Tr,{children:[(0,F.jsx)(O.Th,{children:(0,F.jsx)(E,{"aria-label":`Select every family not yet invited`,checked:$.length>0&&$.every(e=>w.has(e)),onChange:()=>T(k(w,$))})}),(0,F.jsx)(O.Th,{children:`Student`}),(0,F.jsx)(O.Th,{children:`Guardian`}),(0,F.jsx)(O.Th,{children:`Contact points`}),(0,F.jsx)(O.Th,{children:`State`}),(0,F.jsx)(O.Th,{children:`Invitation`}),(0,F.jsx)(O.Th,{children:`Actions`})]})}),(0,F.jsx)(O.Tbody,{children:K.map(t=>{let s=t.invitation;return(0,F.jsxs)(O.Tr,{"data-testid":`family-row`,children:[(0,F.jsx)(O.Td,{children:(0,F.jsx)(E,{"aria-label":`Select ${t.guardian.displayName} (${t.student.displayName})`,disabled:t.state!==`NOT_INVITED`,checked:w.has(t.id),onChange:()=>T(A(w,t.id))})}),(0,F.jsx)(O.Td,{children:t.student.displayName}),(0,F.jsxs)(O.Td,{children:[t.guardian.displayName,(0,F.jsx)(e,{size:`xs`,c:`dimmed`,children:u(t.kind)})]}),(0,F.jsx)(O.Td,{children:(0,F.jsxs)(a,{gap:2,children:[t.contactPoints.map(a=>(0,F.jsxs)(r,{gap:4,wrap:`nowrap`,children:[(0,F.jsx)(e,{size:`sm`,children:a.value}),!a.reachable&&(0,F.jsxs)(F.Fragment,{children:[(0,F.jsx)(i,{color:`red`,variant:`light`,title:a.unreachableReason??void 0,children:`Unreachable`}),(0,F.jsx)(n,{size:`compact-xs`,variant:`subtle`,"aria-label":`Reset ${a.value} as reachable`,onClick:()=>Q(t.id,async()=>({errors:[],failed:(await ae({id:a.id})).error?.message})),children:`Reset`})]})]},a.id)),t.contactPoints.length===0&&(0,F.jsx)(e,{size:`sm`,c:`dimmed`,children:`None`})]})}),(0,F.jsx)(O.Td,{"data-testid":`family-state`,children:(0,F.jsx)(g,{value:t.state})}),(0,F.jsx)(O.Td,{children:s?(0,F.jsxs)(a,{gap:2,children:[(0,F.jsxs)(r,{gap:4,wrap:`nowrap`,children:[(0,F.jsx)(`span`,{"data-testid":`invitation-status`,children:(0,F.jsx)(g,{value:s.status})}),(0,F.jsx)(e,{size:`xs`,children:s.channel===`EMAIL`?`Email`:`Text`})]}),s.sentAt&&(0,F.jsxs)(e,{size:`xs`,children:[`Sent `,v(s.sentAt)]}),s.lastError&&(0,F.jsx)(e,{size:`xs`,c:`red.9`,children:s.lastError})]}):`—`}),(0,F.jsxs)(O.Td,{children:[(0,F.jsxs)(r,{gap:4,wrap:`nowrap`,children:[t.state===`NOT_INVITED`&&(0,F.jsx)(n,{size:`compact-sm`,variant:`default`,"aria-label":`Invite ${t.guardian.displayName}`,onClick:()=>Q(t.id,async()=>{let e=await G({classId:o,channel:d||null,relationshipIds:[t.id]});return{errors:e.data?.inviteFamilies.userErrors??[],failed:e.error?.message}}),children:`Invite`}),s&&N(s.status)&&(0,F.jsx)(n,{size:`compact-sm`,variant:`default`,"aria-label":`Resend to ${t.guardian.displayName}`,onClick:()=>Q(t.id,async()=>{let e=await re({id:s.id});return{errors:e.data?.resendInvitation.userErrors??[],failed:e.error?.message}}),children:`Resend`}),s&&j(s.status)&&(0,F.jsx)(n,{size:`compact-sm`,variant:`subtle`,color:`red`,"aria-label":`Revoke the invitation of ${t.guardian.displayName}`,onClick:()=>Q(t.id,async()=>{let e=await ie({id:s.id});return{errors:e.data?.revokeInvitation.userErrors??[],failed:e.error?.message}}),children:`Revoke`})]}),H[t.id]&&(0,F.jsx)(e,{size:`xs`,c:`red.9`,role:`alert`,children:H[t.id]})]})]},t.id)})})]})}),(0,F.jsx)(ne,{students:J.students,onDone:X})]})}function ne({students:i,onDone:a}){let[o,s]=(0,P.useState)(``),[c,f]=(0,P.useState)(``),[m,g]=(0,P.useState)(``),[_,v]=(0,P.useState)(``),[y,x]=(0,P.useState)(``),[C,w]=(0,P.useState)(`PARENT`),[E,O]=(0,P.useState)([]),[k,A]=(0,P.useState)(!1),[j,M]=l(V),N=b(E);async function I(e){if(e.preventDefault(),A(!1),!o){O([{field:[`studentId`],message:`Choose a student.`,code:`REQUIRED`}]);return}let t=await M({studentId:o,input:{givenName:c,familyName:m,email:_||void 0,phone:y||void 0,kind:C}}),n=t.data?.inviteGuardian.userErrors??[];O(n),t.data&&!n.length&&(A(!0),f(``),g(``),v(``),x(``),a())}return(0,F.jsxs)(T,{withBorder:!0,component:`section`,"aria-labelledby":`invite-guardian-title`,children:[(0,F.jsx)(t,{order:3,size:`h4`,mb:`xs`,id:`invite-guardian-title`,children:`Invite another guardian of a student`}),(0,F.jsxs)(`form`,{onSubmit:I,noValidate:!0,children:[(0,F.jsxs)(r,{align:`flex-start`,gap:`sm`,wrap:`wrap`,children:[(0,F.jsx)(D,{label:`Student`,value:o,onChange:e=>s(e.currentTarget.value),data:[{value:``,label:`Choose…`},...i.map(e=>({value:e.id,label:e.displayName}))],error:N.studentId}),(0,F.jsx)(S,{label:`Guardian given name`,required:!0,value:c,onChange:e=>f(e.currentTarget.value),error:N.givenName}),(0,F.jsx)(S,{label:`Guardian family name`,required:!0,value:m,onChange:e=>g(e.currentTarget.value),error:N.familyName}),(0,F.jsx)(S,{label:`Guardian email`,type:`email`,value:_,onChange:e=>v(e.currentTarget.value),error:N.email}),(0,F.jsx)(S,{label:`Guardian phone`,type:`tel`,value:y,onChange:e=>x(e.currentTarget.value),error:N.phone}),(0,F.jsx)(D,{label:`Relationship`,value:C,onChange:e=>w(e.currentTarget.value),data:H.map(e=>({value:e,label:u(e)}))})]}),(0,F.jsx)(p,{messages:d(E,[`studentId`,`givenName`,`familyName`,`email`,`phone`])}),(0,F.jsx)(h,{error:j.error}),(0,F.jsxs)(r,{mt:`sm`,children:[(0,F.jsx)(n,{type:`submit`,loading:j.fetching,children:`Invite guardian`}),k&&(0,F.jsx)(e,{size:`sm`,role:`status`,children:`Invitation queued.`})]})]})]})}export{U as default};