import{A as e,D as t,F as n,Z as r,a as i,f as a,h as o,k as s,m as c,n as l,o as u,p as d,r as f,t as p,v as m,vt as h,w as g,x as _,yt as v}from"./index-83YUJbmz.js";import{t as y}from"./NativeSelect-CVfpAE4X.js";import{t as b}from"./Table-C6Lbetwx.js";var x=v(h(),1);function S(e){if(e===`claimed`)return!0;if(e===`unclaimed`)return!1}function C(e,...t){let n=w(e.trim());return!n||t.some(e=>e!=null&&w(e).includes(n))}function w(e){return e.normalize(`NFD`).replace(/[\u0300-\u036f]/g,``).toLowerCase()}var T=r(),E=c(`
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
`),D=c(`
  query ClassFilters($teachers: Boolean!) {
    district { id schools { id name } }
    people(filter: { role: TEACHER }, first: 500) @include(if: $teachers) {
      nodes { id displayName }
    }
  }
`),O=100,k=500;function A(){let e=a(),t=d(e.role),[r,o]=m(),s=r.get(`claimed`)??`all`,c=r.get(`school`)??``,l=r.get(`teacher`)??``,[u,f]=(0,x.useState)(``),[p,h]=(0,x.useState)([null]),v=(0,x.useMemo)(()=>({claimed:S(s),schoolId:c||void 0,teacherId:l||void 0}),[s,c,l]),[b]=_({query:D,variables:{teachers:t}});function C(e,t){let n=new URLSearchParams(r);t&&t!==`all`?n.set(e,t):n.delete(e),o(n,{replace:!0}),h([null])}return(0,T.jsxs)(i,{title:`Classes`,children:[(0,T.jsxs)(n,{align:`flex-end`,gap:`sm`,wrap:`wrap`,children:[(0,T.jsx)(y,{label:`Claimed`,value:s,onChange:e=>C(`claimed`,e.currentTarget.value),data:[{value:`all`,label:`All`},{value:`claimed`,label:`Claimed`},{value:`unclaimed`,label:`Unclaimed`}]}),(0,T.jsx)(y,{label:`School`,value:c,onChange:e=>C(`school`,e.currentTarget.value),data:[{value:``,label:`All schools`},...(b.data?.district.schools??[]).map(e=>({value:e.id,label:e.name}))]}),t&&(0,T.jsx)(y,{label:`Teacher`,value:l,onChange:e=>C(`teacher`,e.currentTarget.value),data:[{value:``,label:`All teachers`},...(b.data?.people?.nodes??[]).map(e=>({value:e.id,label:e.displayName}))]}),(0,T.jsx)(g,{label:`Search`,description:`Title or class code (in the first ${k} classes)`,value:u,onChange:e=>{f(e.currentTarget.value),h([null])}})]}),p.map((e,t)=>(0,T.jsx)(j,{filter:v,after:e,first:t===0,last:t===p.length-1,search:u,onMore:e=>h(t=>[...t,e])},`${JSON.stringify(v)}:${e??``}`))]})}function j({filter:r,after:i,first:a,last:c,search:d,onMore:m}){let[{data:h,fetching:g,error:v}]=_({query:E,variables:{filter:r,first:d.trim()?k:O,after:i}});if(g&&!h)return(0,T.jsx)(f,{label:`Loading classes`});if(v)return(0,T.jsx)(l,{error:v});let y=h.classes,x=y.nodes.filter(e=>C(d,e.title,e.classCode));return(0,T.jsxs)(T.Fragment,{children:[a&&(0,T.jsxs)(n,{gap:`sm`,children:[(0,T.jsx)(e,{fw:600,role:`status`,"data-testid":`class-count`,children:y.totalCount===1?`1 class`:`${y.totalCount} classes`}),d.trim()&&(0,T.jsxs)(e,{size:`sm`,"aria-live":`polite`,children:[x.length,` `,x.length===1?`matches`:`match`,` “`,d.trim(),`”`]})]}),a&&y.totalCount===0?(0,T.jsx)(p,{children:`No classes match these filters.`}):(0,T.jsx)(b.ScrollContainer,{minWidth:600,children:(0,T.jsxs)(b,{striped:!0,highlightOnHover:!0,"aria-label":a?`Classes`:`More classes`,children:[a&&(0,T.jsx)(b.Thead,{children:(0,T.jsxs)(b.Tr,{children:[(0,T.jsx)(b.Th,{children:`Class`}),(0,T.jsx)(b.Th,{children:`Code`}),(0,T.jsx)(b.Th,{children:`School`}),(0,T.jsx)(b.Th,{children:`Teachers`}),(0,T.jsx)(b.Th,{children:`Claim`})]})}),(0,T.jsx)(b.Tbody,{children:x.map(t=>(0,T.jsxs)(b.Tr,{children:[(0,T.jsx)(b.Td,{children:(0,T.jsx)(s,{component:o,to:`/classes/${encodeURIComponent(t.id)}`,children:t.title})}),(0,T.jsx)(b.Td,{children:t.classCode??`—`}),(0,T.jsx)(b.Td,{children:t.school?.name??`—`}),(0,T.jsx)(b.Td,{children:t.teachers.map(e=>e.displayName).join(`, `)||`—`}),(0,T.jsx)(b.Td,{children:t.claimed?(0,T.jsxs)(n,{gap:4,wrap:`nowrap`,children:[(0,T.jsx)(u,{value:`CLAIMED`}),(0,T.jsx)(e,{size:`sm`,children:t.claimedBy?.displayName})]}):(0,T.jsx)(u,{value:`UNCLAIMED`})})]},t.id))})]})}),c&&y.pageInfo.hasNextPage&&y.pageInfo.endCursor&&(0,T.jsx)(t,{variant:`default`,onClick:()=>m(y.pageInfo.endCursor),children:`Show more classes`})]})}export{A as default};