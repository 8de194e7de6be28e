import{D as e,S as t,W as n,a as r,b as i,dt as a,ft as o,g as s,i as c,o as l,p as u,s as d,u as f,x as p}from"./index-BzynuQhe.js";import{t as m}from"./NativeSelect-C5QXPR0y.js";import{t as h}from"./Table-B44TFUOH.js";import{a as g,n as _,o as v,r as y,t as b}from"./common-9Zg-1sRl.js";var x=o(a(),1);function S(e){if(e===`claimed`)return!0;if(e===`unclaimed`)return!1}function C(e,...t){let n=w(e.trim());return!n||t.some(e=>e!=null&&w(e).includes(n))}function w(e){return e.normalize(`NFD`).replace(/[\u0300-\u036f]/g,``).toLowerCase()}var T=n(),E=l(`
  query Classes($filter: ClassFilter, $first: Int, $after: String) {
    classes(filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        id
        title
        classCode
        claimed
        claimedBy { id displayName }
        school { id name }
        term { id title }
        teachers { id displayName }
      }
    }
  }
`),D=l(`
  query ClassFilters($teachers: Boolean!) {
    district { id schools { id name } }
    people(filter: { role: TEACHER }, first: 500) @include(if: $teachers) {
      nodes { id displayName }
    }
  }
`),O=100,k=500;function A(){let t=c(),n=r(t.role),[i,a]=f(),o=i.get(`claimed`)??`all`,l=i.get(`school`)??``,d=i.get(`teacher`)??``,[p,h]=(0,x.useState)(``),[_,v]=(0,x.useState)([null]),y=(0,x.useMemo)(()=>({claimed:S(o),schoolId:l||void 0,teacherId:d||void 0}),[o,l,d]),[b]=u({query:D,variables:{teachers:n}});function C(e,t){let n=new URLSearchParams(i);t&&t!==`all`?n.set(e,t):n.delete(e),a(n,{replace:!0}),v([null])}return(0,T.jsxs)(g,{title:`Classes`,children:[(0,T.jsxs)(e,{align:`flex-end`,gap:`sm`,wrap:`wrap`,children:[(0,T.jsx)(m,{label:`Claimed`,value:o,onChange:e=>C(`claimed`,e.currentTarget.value),data:[{value:`all`,label:`All`},{value:`claimed`,label:`Claimed`},{value:`unclaimed`,label:`Unclaimed`}]}),(0,T.jsx)(m,{label:`School`,value:l,onChange:e=>C(`school`,e.currentTarget.value),data:[{value:``,label:`All schools`},...(b.data?.district.schools??[]).map(e=>({value:e.id,label:e.name}))]}),n&&(0,T.jsx)(m,{label:`Teacher`,value:d,onChange:e=>C(`teacher`,e.currentTarget.value),data:[{value:``,label:`All teachers`},...(b.data?.people?.nodes??[]).map(e=>({value:e.id,label:e.displayName}))]}),(0,T.jsx)(s,{label:`Search`,description:`Title or class code (in the first ${k} classes)`,value:p,onChange:e=>{h(e.currentTarget.value),v([null])}})]}),_.map((e,t)=>(0,T.jsx)(j,{filter:y,after:e,first:t===0,last:t===_.length-1,search:p,onMore:e=>v(t=>[...t,e])},`${JSON.stringify(y)}:${e??``}`))]})}function j({filter:n,after:r,first:a,last:o,search:s,onMore:c}){let[{data:l,fetching:f,error:m}]=u({query:E,variables:{filter:n,first:s.trim()?k:O,after:r}});if(f&&!l)return(0,T.jsx)(y,{label:`Loading classes`});if(m)return(0,T.jsx)(_,{error:m});let g=l.classes,x=g.nodes.filter(e=>C(s,e.title,e.classCode));return(0,T.jsxs)(T.Fragment,{children:[a&&(0,T.jsxs)(e,{gap:`sm`,children:[(0,T.jsx)(t,{fw:600,role:`status`,"data-testid":`class-count`,children:g.totalCount===1?`1 class`:`${g.totalCount} classes`}),s.trim()&&(0,T.jsxs)(t,{size:`sm`,"aria-live":`polite`,children:[x.length,` `,x.length===1?`matches`:`match`,` “`,s.trim(),`”`]})]}),a&&g.totalCount===0?(0,T.jsx)(b,{children:`No classes match these filters.`}):(0,T.jsx)(h.ScrollContainer,{minWidth:600,children:(0,T.jsxs)(h,{striped:!0,highlightOnHover:!0,"aria-label":a?`Classes`:`More classes`,children:[a&&(0,T.jsx)(h.Thead,{children:(0,T.jsxs)(h.Tr,{children:[(0,T.jsx)(h.Th,{children:`Class`}),(0,T.jsx)(h.Th,{children:`Code`}),(0,T.jsx)(h.Th,{children:`School`}),(0,T.jsx)(h.Th,{children:`Teachers`}),(0,T.jsx)(h.Th,{children:`Claim`})]})}),(0,T.jsx)(h.Tbody,{children:x.map(n=>(0,T.jsxs)(h.Tr,{children:[(0,T.jsx)(h.Td,{children:(0,T.jsx)(p,{component:d,to:`/classes/${encodeURIComponent(n.id)}`,children:n.title})}),(0,T.jsx)(h.Td,{children:n.classCode??`—`}),(0,T.jsx)(h.Td,{children:n.school?.name??`—`}),(0,T.jsx)(h.Td,{children:n.teachers.map(e=>e.displayName).join(`, `)||`—`}),(0,T.jsx)(h.Td,{children:n.claimed?(0,T.jsxs)(e,{gap:4,wrap:`nowrap`,children:[(0,T.jsx)(v,{value:`CLAIMED`}),(0,T.jsx)(t,{size:`sm`,children:n.claimedBy?.displayName})]}):(0,T.jsx)(v,{value:`UNCLAIMED`})})]},n.id))})]})}),o&&g.pageInfo.hasNextPage&&g.pageInfo.endCursor&&(0,T.jsx)(i,{variant:`default`,onClick:()=>c(g.pageInfo.endCursor),children:`Show more classes`})]})}export{A as default};