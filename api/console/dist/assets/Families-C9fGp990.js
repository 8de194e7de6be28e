import{a as e,c as t,i as n,l as r,n as i,o as a,r as o,s,t as c}from"./common-9Zg-1sRl.js";import{D as l,S as u,W as d,_ as f,b as p,c as m,dt as h,f as g,ft as _,g as v,h as y,l as b,n as x,o as S,p as C,r as w}from"./index-BzynuQhe.js";import{t as T}from"./Card-CQHKPfzR.js";import{t as E}from"./Checkbox-BBxi_jh_.js";import{t as D}from"./NativeSelect-C5QXPR0y.js";import{t as O}from"./Table-B44TFUOH.js";import{a as k,i as A,n as j,r as M,t as N}from"./families-CBRQRjYu.js";var P=_(h(),1),F=d(),I=S(`
  query FamilyClasses {
    classes(first: 500) {
      totalCount
      nodes { id title school { id name } }
    }
  }
`),L=S(`
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
`),ee=S(`
  mutation InviteFamilies($classId: ID!, $relationshipIds: [ID!], $all: Boolean) {
    inviteFamilies(classId: $classId, relationshipIds: $relationshipIds, all: $all) {
      invitations { id status }
      userErrors { field message code }
    }
  }
`),te=S(`
  mutation ResendInvitation($id: ID!) {
    resendInvitation(id: $id) {
      invitation { id status resendCount expiresAt }
      userErrors { field message code }
    }
  }
`),ne=S(`
  mutation RevokeInvitation($id: ID!) {
    revokeInvitation(id: $id) {
      invitation { id status }
      userErrors { field message code }
    }
  }
`),re=S(`
  mutation ResetContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`),R=S(`
  mutation InviteGuardian($studentId: ID!, $input: GuardianInviteInput!) {
    inviteGuardian(studentId: $studentId, input: $input) {
      invitations { id status }
      userErrors { field message code }
    }
  }
`),z=[`NOT_INVITED`,`INVITED`,`DELIVERED`,`FAILED`,`ACCEPTED`],B=[`PARENT`,`GUARDIAN`,`RELATIVE`,`AIDE`,`OTHER`];function V(){let{classId:t}=b(),n=m(),[{data:r,fetching:a,error:s}]=C({query:I});return(0,F.jsxs)(e,{title:`Families`,children:[a&&!r?(0,F.jsx)(o,{label:`Loading classes`}):s?(0,F.jsx)(i,{error:s}):(0,F.jsx)(D,{label:`Class`,maw:480,value:t??``,onChange:e=>n(e.currentTarget.value?`/families/${encodeURIComponent(e.currentTarget.value)}`:`/families`),data:[{value:``,label:`Choose a class…`},...(r?.classes.nodes??[]).map(e=>({value:e.id,label:e.school?`${e.title} (${e.school.name})`:e.title}))]}),t?(0,F.jsx)(H,{classId:t},t):(0,F.jsx)(c,{children:`Choose a class to see its families.`})]})}function H({classId:e}){let[d,m]=(0,P.useState)(``),[{data:h,fetching:_,error:v},b]=C({query:L,variables:{id:e,state:d||void 0},requestPolicy:`cache-and-network`}),[x,S]=(0,P.useState)(new Set),[w,T]=(0,P.useState)([]),[I,R]=(0,P.useState)({}),[B,V]=g(ee),[,H]=g(te),[,W]=g(ne),[,G]=g(re),K=(0,P.useMemo)(()=>h?.class?.familyInviteManager.nodes??[],[h]),q=M(K);if((0,P.useEffect)(()=>{if(!q)return;let e=setInterval(()=>b({requestPolicy:`network-only`}),1500);return()=>clearInterval(e)},[q,b]),_&&!h)return(0,F.jsx)(o,{label:`Loading families`});if(v)return(0,F.jsx)(i,{error:v});let J=h?.class;if(!J)return(0,F.jsx)(c,{children:`This class does not exist or is not visible to you.`});let Y=J.familyInviteManager,X=()=>b({requestPolicy:`network-only`});async function Z(t){T([]);let n=await V({classId:e,...t});T(n.data?.inviteFamilies.userErrors??[]),S(new Set),X()}async function Q(e,t){let n=await t();R(t=>({...t,[e]:n.failed??n.errors.map(e=>e.message).join(` `)})),X()}let $=K.filter(e=>e.state===`NOT_INVITED`).map(e=>e.id);return(0,F.jsxs)(f,{gap:`md`,children:[(0,F.jsxs)(y,{order:3,size:`h4`,children:[`Family invite manager: `,J.title]}),(0,F.jsxs)(l,{align:`flex-end`,gap:`sm`,wrap:`wrap`,children:[(0,F.jsx)(D,{label:`State`,value:d,onChange:e=>{m(e.currentTarget.value),S(new Set)},data:[{value:``,label:`All states`},...z.map(e=>({value:e,label:t(e)}))]}),(0,F.jsxs)(p,{onClick:()=>Z({relationshipIds:[...x]}),disabled:x.size===0,loading:B.fetching&&!B.operation?.variables.all,children:[`Invite selected (`,x.size,`)`]}),(0,F.jsx)(p,{onClick:()=>Z({all:!0}),loading:B.fetching&&!!B.operation?.variables.all,variant:`default`,children:`Invite all`})]}),(0,F.jsxs)(u,{role:`status`,"aria-live":`polite`,children:[Y.totalCount,` `,Y.totalCount===1?`family link`:`family links`,q?` · sending invitations…`:``]}),(0,F.jsx)(n,{messages:w.map(e=>e.message),title:`Some families were not invited`}),(0,F.jsx)(i,{error:B.error}),K.length===0?(0,F.jsxs)(c,{children:[`No families `,d?`in state “${t(d)}”`:`in this class`,`.`]}):(0,F.jsx)(O.ScrollContainer,{minWidth:820,children:(0,F.jsxs)(O,{striped:!0,"aria-label":`Families`,children:[(0,F.jsx)(O.Thead,{children:(0,F.jsxs)(O.Tr,{children:[(0,F.jsx)(O.Th,{children:(0,F.jsx)(E,{"aria-label":`Select every family not yet invited`,checked:$.length>0&&$.every(e=>x.has(e)),onChange:()=>S(k(x,$))})}),(0,F.jsx)(O.Th,{children:`Student`}),(0,F.jsx)(O.Th,{children:`Guardian`}),(0,F.jsx)(O.Th,{children:`Contact points`}),(0,F.jsx)(O.Th,{children:`State`}),(0,F.jsx)(O.Th,{children:`Invitation`}),(0,F.jsx)(O.Th,{children:`Actions`})]})}),(0,F.jsx)(O.Tbody,{children:K.map(n=>{let i=n.invitation;return(0,F.jsxs)(O.Tr,{"data-testid":`family-row`,children:[(0,F.jsx)(O.Td,{children:(0,F.jsx)(E,{"aria-label":`Select ${n.guardian.displayName} (${n.student.displayName})`,disabled:n.state!==`NOT_INVITED`,checked:x.has(n.id),onChange:()=>S(A(x,n.id))})}),(0,F.jsx)(O.Td,{children:n.student.displayName}),(0,F.jsxs)(O.Td,{children:[n.guardian.displayName,(0,F.jsx)(u,{size:`xs`,c:`dimmed`,children:t(n.kind)})]}),(0,F.jsx)(O.Td,{children:(0,F.jsxs)(f,{gap:2,children:[n.contactPoints.map(e=>(0,F.jsxs)(l,{gap:4,wrap:`nowrap`,children:[(0,F.jsx)(u,{size:`sm`,children:e.value}),!e.reachable&&(0,F.jsxs)(F.Fragment,{children:[(0,F.jsx)(r,{color:`red`,variant:`light`,title:e.unreachableReason??void 0,children:`Unreachable`}),(0,F.jsx)(p,{size:`compact-xs`,variant:`subtle`,"aria-label":`Reset ${e.value} as reachable`,onClick:()=>Q(n.id,async()=>({errors:[],failed:(await G({id:e.id})).error?.message})),children:`Reset`})]})]},e.id)),n.contactPoints.length===0&&(0,F.jsx)(u,{size:`sm`,c:`dimmed`,children:`None`})]})}),(0,F.jsx)(O.Td,{"data-testid":`family-state`,children:(0,F.jsx)(a,{value:n.state})}),(0,F.jsx)(O.Td,{children:i?(0,F.jsxs)(f,{gap:2,children:[(0,F.jsxs)(l,{gap:4,wrap:`nowrap`,children:[(0,F.jsx)(`span`,{"data-testid":`invitation-status`,children:(0,F.jsx)(a,{value:i.status})}),(0,F.jsx)(u,{size:`xs`,children:i.channel===`EMAIL`?`Email`:`Text`})]}),i.sentAt&&(0,F.jsxs)(u,{size:`xs`,children:[`Sent `,s(i.sentAt)]}),i.lastError&&(0,F.jsx)(u,{size:`xs`,c:`red.9`,children:i.lastError})]}):`—`}),(0,F.jsxs)(O.Td,{children:[(0,F.jsxs)(l,{gap:4,wrap:`nowrap`,children:[n.state===`NOT_INVITED`&&(0,F.jsx)(p,{size:`compact-sm`,variant:`default`,"aria-label":`Invite ${n.guardian.displayName}`,onClick:()=>Q(n.id,async()=>{let t=await V({classId:e,relationshipIds:[n.id]});return{errors:t.data?.inviteFamilies.userErrors??[],failed:t.error?.message}}),children:`Invite`}),i&&N(i.status)&&(0,F.jsx)(p,{size:`compact-sm`,variant:`default`,"aria-label":`Resend to ${n.guardian.displayName}`,onClick:()=>Q(n.id,async()=>{let e=await H({id:i.id});return{errors:e.data?.resendInvitation.userErrors??[],failed:e.error?.message}}),children:`Resend`}),i&&j(i.status)&&(0,F.jsx)(p,{size:`compact-sm`,variant:`subtle`,color:`red`,"aria-label":`Revoke the invitation of ${n.guardian.displayName}`,onClick:()=>Q(n.id,async()=>{let e=await W({id:i.id});return{errors:e.data?.revokeInvitation.userErrors??[],failed:e.error?.message}}),children:`Revoke`})]}),I[n.id]&&(0,F.jsx)(u,{size:`xs`,c:`red.9`,role:`alert`,children:I[n.id]})]})]},n.id)})})]})}),(0,F.jsx)(U,{students:J.students,onDone:X})]})}function U({students:e,onDone:r}){let[a,o]=(0,P.useState)(``),[s,c]=(0,P.useState)(``),[d,f]=(0,P.useState)(``),[m,h]=(0,P.useState)(``),[_,b]=(0,P.useState)(``),[S,C]=(0,P.useState)(`PARENT`),[E,O]=(0,P.useState)([]),[k,A]=(0,P.useState)(!1),[j,M]=g(R),N=x(E);async function I(e){if(e.preventDefault(),A(!1),!a){O([{field:[`studentId`],message:`Choose a student.`,code:`REQUIRED`}]);return}let t=await M({studentId:a,input:{givenName:s,familyName:d,email:m||void 0,phone:_||void 0,kind:S}}),n=t.data?.inviteGuardian.userErrors??[];O(n),t.data&&!n.length&&(A(!0),c(``),f(``),h(``),b(``),r())}return(0,F.jsxs)(T,{withBorder:!0,component:`section`,"aria-labelledby":`invite-guardian-title`,children:[(0,F.jsx)(y,{order:3,size:`h4`,mb:`xs`,id:`invite-guardian-title`,children:`Invite another guardian of a student`}),(0,F.jsxs)(`form`,{onSubmit:I,noValidate:!0,children:[(0,F.jsxs)(l,{align:`flex-start`,gap:`sm`,wrap:`wrap`,children:[(0,F.jsx)(D,{label:`Student`,value:a,onChange:e=>o(e.currentTarget.value),data:[{value:``,label:`Choose…`},...e.map(e=>({value:e.id,label:e.displayName}))],error:N.studentId}),(0,F.jsx)(v,{label:`Guardian given name`,required:!0,value:s,onChange:e=>c(e.currentTarget.value),error:N.givenName}),(0,F.jsx)(v,{label:`Guardian family name`,required:!0,value:d,onChange:e=>f(e.currentTarget.value),error:N.familyName}),(0,F.jsx)(v,{label:`Guardian email`,type:`email`,value:m,onChange:e=>h(e.currentTarget.value),error:N.email}),(0,F.jsx)(v,{label:`Guardian phone`,type:`tel`,value:_,onChange:e=>b(e.currentTarget.value),error:N.phone}),(0,F.jsx)(D,{label:`Relationship`,value:S,onChange:e=>C(e.currentTarget.value),data:B.map(e=>({value:e,label:t(e)}))})]}),(0,F.jsx)(n,{messages:w(E,[`studentId`,`givenName`,`familyName`,`email`,`phone`])}),(0,F.jsx)(i,{error:j.error}),(0,F.jsxs)(l,{mt:`sm`,children:[(0,F.jsx)(p,{type:`submit`,loading:j.fetching,children:`Invite guardian`}),k&&(0,F.jsx)(u,{size:`sm`,role:`status`,children:`Invitation queued.`})]})]})]})}export{V as default};