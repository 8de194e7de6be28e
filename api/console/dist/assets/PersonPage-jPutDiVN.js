import{D as e,G as t,S as n,_ as r,b as i,f as a,h as o,i as s,l as c,mt as l,o as u,p as d,pt as f,s as p,x as m}from"./index-DoeTbhHF.js";import{a as h,c as g,i as ee,l as _,n as v,o as y,r as b,s as x,t as S}from"./common-FfU0D2Uu.js";import{t as C}from"./Card-Df_jG5zJ.js";import{t as w}from"./Checkbox-BAx7fyuJ.js";import{t as T}from"./SimpleGrid-DGyG_hhh.js";import{t as E}from"./Table-5Ae7REfi.js";import{n as D,r as O,t as k}from"./people-ops-axI4DTkE.js";var A=l(f(),1),j=t(),M=u(`
  query PersonPage($id: ID!, $merges: AuditEventFilter, $admin: Boolean!) {
    person(id: $id) {
      id
      displayName
      givenName
      familyName
      middleName
      preferredName
      status
      accountState
      grade
      studentNumber
      roles { role org { id name } }
      contactPoints { id kind value masked verified reachable unreachableReason }
      guardians { id kind status source livesWithStudent guardian { id displayName } }
      students { id kind status source student { id displayName } }
      enrollments { role primary class { id title school { name } } }
    }
    auditEvents(filter: $merges, first: 20) @include(if: $admin) {
      nodes { id action createdAt actor { id displayName } }
    }
  }
`),N=u(`
  mutation RemoveRelationship($id: ID!) {
    removeRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`),P=u(`
  mutation RestoreRelationship($id: ID!) {
    restoreRelationship(id: $id) {
      relationship { id status }
      userErrors { field message code }
    }
  }
`),F=u(`
  mutation ResetPersonContactPoint($id: ID!) {
    setContactPointReachable(id: $id) { id reachable unreachableReason }
  }
`);function I(){let{id:t=``}=c(),l=s().role===`DISTRICT_ADMIN`,[{data:u,fetching:f,error:I},L]=d({query:M,variables:{id:t,admin:l,merges:{action:`person.merge`,target:t}},requestPolicy:`cache-and-network`}),[R,z]=(0,A.useState)([]),[B,V]=(0,A.useState)(!1),[H,U]=a(k),[W,G]=a(D),[K,q]=a(O),[,J]=a(N),[,Y]=a(P),[,X]=a(F);if(f&&!u)return(0,j.jsx)(b,{label:`Loading the person`});if(I)return(0,j.jsx)(v,{error:I});let Z=u?.person;if(!Z)return(0,j.jsx)(h,{title:`Person not found`,children:(0,j.jsx)(S,{children:`This person does not exist or is not visible to you.`})});let Q=()=>L({requestPolicy:`network-only`}),$=u?.auditEvents?.nodes??[];return(0,j.jsxs)(h,{title:Z.displayName,children:[(0,j.jsxs)(e,{gap:`xs`,children:[(0,j.jsx)(y,{value:Z.status}),(0,j.jsx)(y,{value:Z.accountState}),Z.grade&&(0,j.jsxs)(n,{size:`sm`,children:[`Grade `,Z.grade]}),Z.studentNumber&&(0,j.jsxs)(n,{size:`sm`,children:[`Student number `,Z.studentNumber]})]}),(0,j.jsx)(ee,{messages:R.map(e=>e.message)}),(0,j.jsx)(v,{error:H.error??W.error??K.error}),l&&(0,j.jsx)(e,{gap:`sm`,children:Z.status===`ACTIVE`?(0,j.jsxs)(j.Fragment,{children:[(0,j.jsx)(i,{color:`red`,variant:`outline`,loading:H.fetching,onClick:async()=>{let e=await U({ids:[Z.id],override:B});z(e.data?.archivePeople.userErrors??[]),Q()},children:`Archive`}),(0,j.jsx)(w,{label:`Even if the SIS manages this person`,checked:B,onChange:e=>V(e.currentTarget.checked)})]}):(0,j.jsx)(i,{variant:`default`,loading:W.fetching,onClick:async()=>{let e=await G({ids:[Z.id]});z(e.data?.restorePeople.userErrors??[]),Q()},children:`Restore`})}),(0,j.jsxs)(T,{cols:{base:1,md:2},children:[(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(o,{order:3,size:`h4`,mb:`xs`,children:`Roles`}),Z.roles.length?(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.roles.map((e,t)=>(0,j.jsxs)(`li`,{children:[g(e.role),e.org?` at ${e.org.name}`:``]},t))}):(0,j.jsx)(S,{children:`No roles.`})]}),(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(o,{order:3,size:`h4`,mb:`xs`,children:`Contact points`}),Z.contactPoints.length===0?(0,j.jsx)(S,{children:`None.`}):(0,j.jsx)(r,{gap:4,children:Z.contactPoints.map(t=>(0,j.jsxs)(e,{gap:`xs`,children:[(0,j.jsxs)(n,{size:`sm`,children:[t.kind===`EMAIL`?`Email`:`Phone`,`: `,t.value]}),t.masked&&(0,j.jsx)(_,{variant:`light`,color:`gray`,children:`Masked`}),t.verified&&(0,j.jsx)(_,{variant:`light`,color:`teal`,children:`Verified`}),!t.reachable&&(0,j.jsxs)(j.Fragment,{children:[(0,j.jsx)(_,{variant:`light`,color:`red`,title:t.unreachableReason??void 0,children:`Unreachable`}),(0,j.jsx)(i,{size:`compact-xs`,variant:`subtle`,"aria-label":`Reset ${t.value} as reachable`,onClick:async()=>{await X({id:t.id}),Q()},children:`Reset`})]})]},t.id))})]}),(Z.guardians.length>0||Z.roles.some(e=>e.role===`STUDENT`))&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(o,{order:3,size:`h4`,mb:`xs`,children:`Guardians`}),Z.guardians.length===0?(0,j.jsx)(S,{children:`No guardians.`}):(0,j.jsx)(E,{"aria-label":`Guardians`,children:(0,j.jsx)(E.Tbody,{children:Z.guardians.map(e=>(0,j.jsxs)(E.Tr,{children:[(0,j.jsx)(E.Td,{children:e.guardian?(0,j.jsx)(m,{component:p,to:`/people/${encodeURIComponent(e.guardian.id)}`,children:e.guardian.displayName}):`Hidden`}),(0,j.jsxs)(E.Td,{children:[g(e.kind),` · `,g(e.source),e.livesWithStudent?` · lives with student`:``]}),(0,j.jsx)(E.Td,{children:(0,j.jsx)(y,{value:e.status})}),(0,j.jsx)(E.Td,{children:e.status===`ACTIVE`?(0,j.jsx)(i,{size:`compact-xs`,variant:`subtle`,color:`red`,"aria-label":`Remove the link to ${e.guardian?.displayName??`this guardian`}`,onClick:async()=>{let t=await J({id:e.id});z(t.data?.removeRelationship.userErrors??[]),Q()},children:`Remove`}):(0,j.jsx)(i,{size:`compact-xs`,variant:`subtle`,onClick:async()=>{let t=await Y({id:e.id});z(t.data?.restoreRelationship.userErrors??[]),Q()},children:`Restore`})})]},e.id))})})]}),Z.students.length>0&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(o,{order:3,size:`h4`,mb:`xs`,children:`Students`}),(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.students.map(e=>(0,j.jsxs)(`li`,{children:[e.student?(0,j.jsx)(m,{component:p,to:`/people/${encodeURIComponent(e.student.id)}`,children:e.student.displayName}):`Hidden`,` (`,g(e.kind),`)`]},e.id))})]}),(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(o,{order:3,size:`h4`,mb:`xs`,children:`Classes`}),Z.enrollments.length===0?(0,j.jsx)(S,{children:`No classes.`}):(0,j.jsx)(`ul`,{style:{margin:0,paddingLeft:`1.2em`},children:Z.enrollments.map((e,t)=>(0,j.jsxs)(`li`,{children:[e.class?(0,j.jsx)(m,{component:p,to:`/classes/${encodeURIComponent(e.class.id)}`,children:e.class.title}):`Hidden class`,` · `,g(e.role),e.primary?` (primary)`:``]},t))})]}),l&&(0,j.jsxs)(C,{withBorder:!0,children:[(0,j.jsx)(o,{order:3,size:`h4`,mb:`xs`,children:`Merges into this person`}),$.length===0?(0,j.jsx)(S,{children:`No merges.`}):(0,j.jsx)(r,{gap:4,children:$.map(t=>(0,j.jsxs)(e,{gap:`sm`,children:[(0,j.jsxs)(n,{size:`sm`,children:[x(t.createdAt),` by `,t.actor?.displayName??`system`]}),(0,j.jsx)(i,{size:`compact-xs`,variant:`default`,loading:K.fetching,onClick:async()=>{let e=await q({auditEventId:t.id});z(e.data?.unmerge.userErrors??[]),Q()},children:`Unmerge`})]},t.id))})]})]})]})}export{I as default};