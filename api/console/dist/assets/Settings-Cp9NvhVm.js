import{$ as e,A as t,B as n,C as r,D as i,E as a,F as o,G as s,H as c,N as l,T as u,U as d,Y as f,Z as p,a as m,at as h,b as g,c as _,d as v,i as y,lt as b,m as x,n as S,o as C,q as w,r as T,rt as E,s as D,t as O,tt as k,u as A,ut as j,vt as M,w as N,x as P,yt as F}from"./index-83YUJbmz.js";import{t as I}from"./Card-C5JjUZ8l.js";import{i as L,n as R,r as z,t as B}from"./Checkbox-BIyRmPsK.js";import{t as V}from"./Code-Bsy9m2fR.js";import{t as H}from"./Table-C6Lbetwx.js";var U=F(M(),1),W=p(),G=(0,U.createContext)(null),K={hiddenInputValuesSeparator:`,`},q=d((e=>{let{value:t,defaultValue:n,onChange:r,size:i,wrapperProps:a,children:o,readOnly:s,name:c,hiddenInputValuesSeparator:u,hiddenInputProps:d,maxSelectedValues:p,disabled:m,...h}=f(`SwitchGroup`,K,e),[g,_]=E({value:t,defaultValue:n,finalValue:[],onChange:r}),v=e=>{let t=e.currentTarget.value;if(s)return;let n=g.includes(t);!n&&p&&g.length>=p||_(n?g.filter(e=>e!==t):[...g,t])},y=e=>{if(m)return!0;if(!p)return!1;let t=g.includes(e),n=g.length>=p;return!t&&n},b=g.join(u);return(0,W.jsx)(G,{value:{value:g,onChange:v,size:i,isDisabled:y},children:(0,W.jsxs)(l.Wrapper,{size:i,...a,...h,labelElement:`div`,__staticSelector:`SwitchGroup`,children:[(0,W.jsx)(L,{role:`group`,children:o}),(0,W.jsx)(`input`,{type:`hidden`,name:c,value:b,...d})]})})}));q.classes=l.Wrapper.classes,q.displayName=`@mantine/core/SwitchGroup`;var J={root:`m_5f93f3bb`,input:`m_926b4011`,track:`m_9307d992`,thumb:`m_93039a1d`,trackLabel:`m_8277e082`},Y={labelPosition:`right`,withThumbIndicator:!0},X=k((t,{radius:n,color:r,size:i})=>({root:{"--switch-radius":n===void 0?void 0:b(n),"--switch-height":j(i,`switch-height`),"--switch-width":j(i,`switch-width`),"--switch-thumb-size":j(i,`switch-thumb-size`),"--switch-label-font-size":j(i,`switch-label-font-size`),"--switch-track-label-padding":j(i,`switch-track-label-padding`),"--switch-color":r?e(r,t):void 0}})),Z=c(e=>{let t=f(`Switch`,Y,e),{classNames:r,className:i,style:a,styles:o,unstyled:c,vars:l,color:u,label:d,offLabel:p,onLabel:m,id:g,size:_,radius:v,wrapperProps:y,thumbIcon:b,checked:x,defaultChecked:S,onChange:C,labelPosition:T,description:D,error:O,disabled:k,variant:A,rootRef:j,mod:M,withThumbIndicator:N,attributes:P,...F}=t,I=(0,U.use)(G),L=_||I?.size,z=w({name:`Switch`,props:t,classes:J,className:i,style:a,classNames:r,styles:o,unstyled:c,attributes:P,vars:l,varsResolver:X}),{styleProps:B,rest:V}=s(F),H=h(g),K=[D?`${H}-description`:void 0,O&&typeof O!=`boolean`?`${H}-error`:void 0,V[`aria-describedby`]].filter(Boolean).join(` `)||void 0,q={checked:I?.value.includes(V.value)??x,onChange:e=>{I?.onChange(e),C?.(e)}},Z=k||I?.isDisabled?.(V.value),[Q,$]=E({value:q.checked??x,defaultValue:S,finalValue:!1});return(0,W.jsxs)(R,{...z(`root`),__staticSelector:`Switch`,__stylesApiProps:t,id:H,size:L,labelPosition:T,label:d,description:D,error:O,disabled:Z,bodyElement:`label`,labelElement:`span`,classNames:r,styles:o,unstyled:c,"data-checked":q.checked,variant:A,ref:j,mod:M,attributes:P,inert:V.inert,...B,...y,children:[(0,W.jsx)(`input`,{...V,...q,disabled:Z,checked:Q,"data-checked":q.checked,onChange:e=>{V.readOnly||(q.onChange?.(e),$(e.currentTarget.checked))},id:H,type:`checkbox`,role:`switch`,inert:V.inert,"aria-describedby":K,...z(`input`)}),(0,W.jsxs)(n,{"aria-hidden":`true`,component:`span`,mod:{error:O,"label-position":T,"without-labels":!m&&!p},...z(`track`),children:[(0,W.jsx)(n,{component:`span`,mod:{"reduce-motion":!0,"with-thumb-indicator":N&&!b},...z(`thumb`),children:b}),(0,W.jsx)(`span`,{...z(`trackLabel`),children:Q?m:p})]})]})});Z.classes={...J,...z},Z.varsResolver=X,Z.displayName=`@mantine/core/Switch`,Z.Group=q;var Q=x(`
  query Settings {
    district {
      id
      name
      rosteringEnforced
      teacherLinksNeedApproval
      notificationSettings { teacherNewClasses familiesClassClaimed adminSyncSummary }
    }
    webhooks { id url events enabled createdAt }
  }
`),$=x(`
  mutation SetRosteringEnforcement($enabled: Boolean!) {
    setRosteringEnforcement(enabled: $enabled) { id rosteringEnforced }
  }
`),ee=x(`
  mutation SetTeacherLinkApproval($required: Boolean!) {
    setTeacherLinkApproval(required: $required) { id teacherLinksNeedApproval }
  }
`),te=x(`
  query GuardianLinkReviews($states: [LinkReviewState!]) {
    guardianLinkReviews(states: $states, first: 100) {
      totalCount
      edges {
        node {
          state
          createdAt
          requestedBy { id displayName }
          relationship {
            id
            kind
            guardian { id displayName }
            student { id displayName }
          }
        }
      }
    }
  }
`),ne=x(`
  mutation ApproveGuardianLink($id: ID!) {
    approveGuardianLink(relationshipId: $id) { relationship { id status review } userErrors { field message code } }
  }
`),re=x(`
  mutation RevokeGuardianLink($id: ID!) {
    revokeGuardianLink(relationshipId: $id) { relationship { id status review } userErrors { field message code } }
  }
`),ie=x(`
  mutation SetNotificationSettings($input: NotificationSettingsInput!) {
    setNotificationSettings(input: $input) {
      id
      notificationSettings { teacherNewClasses familiesClassClaimed adminSyncSummary }
    }
  }
`),ae=x(`
  mutation CreateWebhook($url: String!, $events: [WebhookEvent!]!, $secret: String!) {
    createWebhook(url: $url, events: $events, secret: $secret) {
      webhook { id url events enabled createdAt }
      userErrors { field message code }
    }
  }
`),oe=x(`
  mutation UpdateWebhook($id: ID!, $enabled: Boolean!) {
    updateWebhook(id: $id, enabled: $enabled) { id enabled }
  }
`),se=x(`
  mutation DeleteWebhook($id: ID!) {
    deleteWebhook(id: $id) { id }
  }
`),ce=x(`
  query WebhookDeliveries($id: ID!) {
    webhook(id: $id) {
      id
      deliveries(first: 50) {
        nodes { id event status attempts lastError body createdAt deliveredAt nextAttemptAt }
      }
    }
  }
`),le=[`SYNC_RUN_FINISHED`,`PERSON_MERGED`,`PERSON_UNMERGED`,`INVITATION_ACCEPTED`,`CLASS_CLAIMED`,`CLASS_RELEASED`],ue=[{key:`teacherNewClasses`,label:`After a maintenance sync, tell teachers about classes new to them`},{key:`familiesClassClaimed`,label:`When a teacher claims a class, tell its invited or claimed families`},{key:`adminSyncSummary`,label:`Tell district admins when a sync run fails or is held`}];function de(){let[{data:e,fetching:t,error:n},i]=P({query:Q}),[a,o]=g($),[s,c]=g(ie);if(t&&!e)return(0,W.jsx)(T,{label:`Loading settings`});if(n)return(0,W.jsx)(S,{error:n});let l=e.district;return(0,W.jsxs)(m,{title:`Settings`,children:[(0,W.jsxs)(I,{withBorder:!0,children:[(0,W.jsx)(r,{order:3,size:`h4`,mb:`xs`,children:`Rostering enforcement`}),(0,W.jsx)(Z,{label:`SIS-linked people leave classes only through sync or an admin`,checked:l.rosteringEnforced,disabled:a.fetching,onChange:e=>o({enabled:e.currentTarget.checked})}),(0,W.jsx)(S,{error:a.error})]}),(0,W.jsx)(fe,{required:l.teacherLinksNeedApproval}),(0,W.jsxs)(I,{withBorder:!0,children:[(0,W.jsx)(r,{order:3,size:`h4`,mb:`xs`,children:`Notifications`}),(0,W.jsx)(u,{gap:`xs`,children:ue.map(e=>(0,W.jsx)(Z,{label:e.label,checked:l.notificationSettings[e.key],disabled:s.fetching,onChange:t=>c({input:{[e.key]:t.currentTarget.checked}})},e.key))}),(0,W.jsx)(S,{error:s.error})]}),(0,W.jsx)(pe,{hooks:e.webhooks,onChange:()=>i({requestPolicy:`network-only`})})]})}function fe({required:e}){let[t,n]=(0,U.useState)(!1),[{data:a,fetching:s,error:c},l]=P({query:te,variables:{states:[...t?[`PENDING`,`AUTOMATIC`,`APPROVED`]:[`PENDING`]]}}),[d,f]=g(ee),[p,m]=g(ne),[h,b]=g(re),[x,w]=(0,U.useState)([]),E=p.fetching||h.fetching;async function k(e,t){let n=e===`approve`?await m({id:t}):await b({id:t}),r=n.data&&(`approveGuardianLink`in n.data?n.data.approveGuardianLink:n.data.revokeGuardianLink);w(r?.userErrors??[]),l({requestPolicy:`network-only`})}let A=a?.guardianLinkReviews.edges??[];return(0,W.jsxs)(I,{withBorder:!0,children:[(0,W.jsx)(r,{order:3,size:`h4`,mb:`xs`,children:`Guardian links made by teachers`}),(0,W.jsxs)(u,{gap:`xs`,children:[(0,W.jsx)(Z,{label:`Wait for a district admin's approval before a teacher's guardian link gives access`,checked:e,disabled:d.fetching,onChange:e=>f({required:e.currentTarget.checked})}),(0,W.jsx)(S,{error:d.error}),(0,W.jsx)(B,{label:`Also show links already in force`,checked:t,onChange:e=>n(e.currentTarget.checked)}),(0,W.jsx)(y,{messages:v(x,[])}),s&&!a?(0,W.jsx)(T,{label:`Loading guardian links`}):c?(0,W.jsx)(S,{error:c}):A.length===0?(0,W.jsx)(O,{children:t?`No guardian links made by teachers.`:`No guardian links are waiting for approval.`}):(0,W.jsx)(H.ScrollContainer,{minWidth:560,children:(0,W.jsxs)(H,{"aria-label":`Guardian links made by teachers`,children:[(0,W.jsx)(H.Thead,{children:(0,W.jsxs)(H.Tr,{children:[(0,W.jsx)(H.Th,{children:`Guardian`}),(0,W.jsx)(H.Th,{children:`Student`}),(0,W.jsx)(H.Th,{children:`Made by`}),(0,W.jsx)(H.Th,{children:`State`}),(0,W.jsx)(H.Th,{children:`Actions`})]})}),(0,W.jsx)(H.Tbody,{children:A.map(({node:e})=>{let t=`${e.relationship.guardian?.displayName??`guardian`} for ${e.relationship.student?.displayName??`student`}`;return(0,W.jsxs)(H.Tr,{children:[(0,W.jsxs)(H.Td,{children:[e.relationship.guardian?.displayName??`—`,` (`,_(e.relationship.kind),`)`]}),(0,W.jsx)(H.Td,{children:e.relationship.student?.displayName??`—`}),(0,W.jsxs)(H.Td,{children:[e.requestedBy?.displayName??`—`,` · `,D(e.createdAt)]}),(0,W.jsx)(H.Td,{children:(0,W.jsx)(C,{value:e.state})}),(0,W.jsx)(H.Td,{children:(0,W.jsxs)(o,{gap:`xs`,children:[e.state===`PENDING`&&(0,W.jsx)(i,{size:`xs`,disabled:E,"aria-label":`Approve ${t}`,onClick:()=>k(`approve`,e.relationship.id),children:`Approve`}),(0,W.jsx)(i,{size:`xs`,color:`red`,variant:`light`,disabled:E,"aria-label":`Revoke ${t}`,onClick:()=>k(`revoke`,e.relationship.id),children:`Revoke`})]})})]},e.relationship.id)})})]})})]})]})}function pe({hooks:e,onChange:n}){let[s,c]=(0,U.useState)(``),[l,d]=(0,U.useState)(``),[f,p]=(0,U.useState)([`SYNC_RUN_FINISHED`]),[m,h]=(0,U.useState)([]),[b,x]=g(ae),[,C]=g(oe),[,w]=g(se),[T,E]=(0,U.useState)(null),k=A(m);async function j(e){e.preventDefault();let t=await x({url:s,secret:l,events:f}),r=t.data?.createWebhook.userErrors??[];h(r),t.data?.createWebhook.webhook&&(c(``),d(``),n())}return(0,W.jsxs)(I,{withBorder:!0,children:[(0,W.jsx)(r,{order:3,size:`h4`,mb:`xs`,children:`Webhooks`}),e.length===0?(0,W.jsx)(O,{children:`No webhooks.`}):(0,W.jsx)(u,{gap:`sm`,mb:`md`,children:e.map(e=>(0,W.jsxs)(I,{withBorder:!0,p:`sm`,children:[(0,W.jsxs)(o,{justify:`space-between`,wrap:`wrap`,children:[(0,W.jsxs)(u,{gap:2,children:[(0,W.jsx)(t,{fw:600,style:{wordBreak:`break-all`},children:e.url}),(0,W.jsxs)(t,{size:`sm`,c:`dimmed`,children:[e.events.map(_).join(`, `),` · since `,D(e.createdAt)]})]}),(0,W.jsxs)(o,{gap:`xs`,children:[(0,W.jsx)(Z,{label:`Enabled`,checked:e.enabled,onChange:async t=>{await C({id:e.id,enabled:t.currentTarget.checked}),n()}}),(0,W.jsx)(i,{size:`xs`,variant:`default`,"aria-expanded":T===e.id,onClick:()=>E(T===e.id?null:e.id),children:`Delivery log`}),(0,W.jsx)(i,{size:`xs`,variant:`subtle`,color:`red`,"aria-label":`Delete the webhook to ${e.url}`,onClick:async()=>{await w({id:e.id}),n()},children:`Delete`})]})]}),T===e.id&&(0,W.jsx)(me,{id:e.id})]},e.id))}),(0,W.jsx)(r,{order:4,size:`h5`,mb:`xs`,children:`Add a webhook`}),(0,W.jsx)(`form`,{onSubmit:j,noValidate:!0,children:(0,W.jsxs)(u,{gap:`sm`,maw:560,children:[(0,W.jsx)(N,{label:`URL`,description:`https (http only to localhost)`,required:!0,value:s,onChange:e=>c(e.currentTarget.value),error:k.url}),(0,W.jsx)(a,{label:`Signing secret`,description:`At least 16 characters; stored encrypted, never shown again`,required:!0,value:l,onChange:e=>d(e.currentTarget.value),error:k.secret,autoComplete:`off`}),(0,W.jsx)(B.Group,{label:`Events`,value:f,onChange:e=>p(e),error:k.events,children:(0,W.jsx)(u,{gap:4,mt:4,children:le.map(e=>(0,W.jsx)(B,{value:e,label:_(e)},e))})}),(0,W.jsx)(y,{messages:v(m,[`url`,`secret`,`events`])}),(0,W.jsx)(S,{error:b.error}),(0,W.jsx)(o,{children:(0,W.jsx)(i,{type:`submit`,loading:b.fetching,children:`Add webhook`})})]})})]})}function me({id:e}){let[{data:t,fetching:n,error:r}]=P({query:ce,variables:{id:e},requestPolicy:`network-only`});if(n&&!t)return(0,W.jsx)(T,{label:`Loading deliveries`});if(r)return(0,W.jsx)(S,{error:r});let i=t?.webhook.deliveries.nodes??[];return i.length?(0,W.jsx)(H.ScrollContainer,{minWidth:560,mt:`sm`,children:(0,W.jsxs)(H,{striped:!0,"aria-label":`Deliveries`,children:[(0,W.jsx)(H.Thead,{children:(0,W.jsxs)(H.Tr,{children:[(0,W.jsx)(H.Th,{children:`When`}),(0,W.jsx)(H.Th,{children:`Event`}),(0,W.jsx)(H.Th,{children:`Status`}),(0,W.jsx)(H.Th,{children:`Attempts`}),(0,W.jsx)(H.Th,{children:`Last error`}),(0,W.jsx)(H.Th,{children:`Body`})]})}),(0,W.jsx)(H.Tbody,{children:i.map(e=>(0,W.jsxs)(H.Tr,{children:[(0,W.jsx)(H.Td,{className:`nowrap`,children:D(e.createdAt)}),(0,W.jsx)(H.Td,{children:e.event?_(e.event):`—`}),(0,W.jsx)(H.Td,{children:(0,W.jsx)(C,{value:e.status})}),(0,W.jsx)(H.Td,{children:e.attempts}),(0,W.jsx)(H.Td,{children:e.lastError??`—`}),(0,W.jsx)(H.Td,{children:e.body?(0,W.jsxs)(`details`,{children:[(0,W.jsx)(`summary`,{children:`JSON`}),(0,W.jsx)(V,{block:!0,children:e.body})]}):`—`})]},e.id))})]})}):(0,W.jsx)(O,{children:`No deliveries yet.`})}export{de as default};