/// The page's script, inlined. Vanilla JS, no libraries. It reads the data
/// from the JSON element and builds every element with createElement and
/// textContent (or Node.append of a string, which makes a text node), never
/// from markup strings, so report values cannot become markup or script.
/// The findings table draws one page at a time; filters and sorts work on
/// integer columns.
enum DashboardScript {
    static let js = #"""
        'use strict';
        (function () {
          const root = document.documentElement;
          // The browser test reads these attributes from the dumped DOM.
          window.addEventListener('error', function (event) { root.setAttribute('data-error', String(event.message)); });

          const SVG_NS = 'http://www.w3.org/2000/svg';
          const D = JSON.parse(document.getElementById('data').textContent);
          const T = JSON.parse(document.getElementById('table').textContent);
          const S = T.strings;
          const hasChange = D.change != null;
          const numberFormat = new Intl.NumberFormat('zh-CN');
          const num = function (value) { return numberFormat.format(value); };

          const SEVERITIES = ['error', 'warning', 'info'];
          const SEV_LABEL = { error: '严重 Error', warning: '警告 Warning', info: '提示 Info' };
          const SEV_RANK = { error: 3, warning: 2, info: 1 };
          const STATUS_LABEL = { new: '新增 New', open: '未解决 Open', resolved: '已解决 Resolved' };
          const COLOR = { error: '#d92d20', warning: '#f79009', info: '#2e90fa', total: '#1d4ed8', new: '#7a5af8', resolved: '#12b76a' };
          const NO_REP = '（未填）';
          const NO_TIER = '未分级';

          const RULES = new Map(D.rules.map(function (rule) { return [rule.id, rule]; }));
          const LABELS = new Map(Object.keys(D.category_labels).map(function (key) { return [key, D.category_labels[key]]; }));
          function categoryZh(key) { const label = LABELS.get(key); return label ? label.zh : key; }
          function str(id) { return id >= 0 ? S[id] : null; }

          // ---- element helpers: text only ----
          function el(tag, props, children) {
            const node = document.createElement(tag);
            setProps(node, props);
            appendAll(node, children);
            return node;
          }
          function sv(tag, attrs, children) {
            const node = document.createElementNS(SVG_NS, tag);
            setProps(node, attrs);
            appendAll(node, children);
            return node;
          }
          function setProps(node, props) {
            if (!props) return;
            Object.keys(props).forEach(function (key) {
              const value = props[key];
              if (value === null || value === undefined || value === false) return;
              if (key === 'text') node.textContent = String(value);
              else if (key === 'onclick') node.addEventListener('click', value);
              else node.setAttribute(key, String(value));
            });
          }
          function appendAll(node, children) {
            if (!children) return;
            children.forEach(function (child) {
              if (child === null || child === undefined) return;
              node.append(typeof child === 'string' || typeof child === 'number' ? String(child) : child);
            });
          }
          function bilingual(zh, en) { return [zh, ' ', el('span', { class: 'en', text: en })]; }
          function sevBadge(severity) { return el('span', { class: 'sev ' + severity, text: SEV_LABEL[severity].split(' ')[0] }); }
          function cellNum(value, cls) { return el('td', { class: 'num' + (value === 0 ? ' zero' : '') + (cls ? ' ' + cls : ''), text: num(value) }); }
          function shortTime(asOf) {
            const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?/.exec(asOf || '');
            if (!match) return asOf || '';
            return match[2] + '-' + match[3] + (match[4] && (match[4] !== '00' || match[5] !== '00') ? ' ' + match[4] + ':' + match[5] : '');
          }

          // ---- header and headline figures ----
          function renderHeader() {
            const parts = ['截至 as of ' + D.as_of, D.timezone, D.report_count + ' 份报告 report' + (D.report_count === 1 ? '' : 's'), D.tool];
            document.getElementById('meta').textContent = parts.filter(Boolean).join(' · ');
          }

          function card(kind, zh, en, value, sub) {
            return el('div', { class: 'card ' + kind }, [
              el('div', { class: 'label' }, bilingual(zh, en)),
              el('div', { class: 'value', text: num(value) }),
              el('div', { class: 'sub' }, sub || []),
            ]);
          }
          function delta(now, before) {
            const diff = now - before;
            if (diff === 0) return el('span', { class: 'delta', text: '与上次持平 unchanged' });
            return el('span', { class: 'delta ' + (diff > 0 ? 'up' : 'down'), text: '较上次 ' + (diff > 0 ? '+' : '−') + num(Math.abs(diff)) + ' vs previous' });
          }

          function renderCards() {
            const cards = document.getElementById('cards');
            const f = D.findings;
            const change = D.change;
            const scanned = card('records', '扫描记录', 'Scanned', D.records.scanned,
              ['读取 read ' + num(D.records.read) + ' · 拒收 rejected ' + num(D.records.rejected)]);
            const total = card('total', '问题总数', 'Findings', f.total, change ? [delta(f.total, change.previous_total)] : ['当前未解决 open now']);
            cards.append(scanned, total);
            SEVERITIES.forEach(function (severity) {
              const label = SEV_LABEL[severity].split(' ');
              const sub = change ? ['新增 +' + num(change.new[severity]) + ' · 解决 −' + num(change.resolved[severity])] : [];
              cards.append(card(severity, label[0], severity === 'info' ? 'Info' : label[1] + 's', f[severity], sub));
            });
            const note = document.getElementById('change-note');
            if (change) {
              cards.append(
                card('new', '新增', 'New', change.new.total, ['上次没有 not in previous']),
                card('resolved', '已解决', 'Resolved', change.resolved.total, ['本次已消失 gone since']),
                card('open', '仍未解决', 'Still open', change.still_open.total, ['两次都有 in both']));
              note.textContent = '对比上一份报告 compared with the previous report: as of ' + change.previous_as_of + ' (' + change.previous_path +
                ')；按 fingerprint 匹配 findings matched by fingerprint.';
            } else {
              note.textContent = '只有一份报告：给出多份夜间报告即可看到新增、已解决和趋势 · one report given: pass several nightly reports to see new, resolved and the trend.';
            }
          }

          // ---- charts (inline SVG) ----
          // A top value whose quarter ticks are round numbers (1, 2, 2.5 or 5 × 10^n; whole numbers only).
          function niceMax(value) {
            const quarter = Math.max(value, 1) / 4;
            const magnitude = Math.pow(10, Math.floor(Math.log10(quarter)));
            const steps = magnitude >= 10 ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10];
            for (let i = 0; i < steps.length; i++) { const tick = Math.max(1, steps[i] * magnitude); if (tick >= quarter) return tick * 4; }
            return 40 * magnitude;
          }

          function legend(items) {
            return el('div', { class: 'legend' }, items.map(function (item) {
              return el('span', null, [el('i', { style: 'background:' + item.color }), item.name]);
            }));
          }

          function emptyChart(container, text) {
            const svg = sv('svg', { viewBox: '0 0 640 80', role: 'img' }, [sv('text', { x: 320, y: 44, 'text-anchor': 'middle', class: 'empty', text: text })]);
            container.append(svg);
          }

          // series: [{name, color, values}]; tips(i) describes point i.
          function lineChart(container, labels, series, tips) {
            const W = 640, H = 250, left = 46, right = 16, top = 14, bottom = 40;
            const plotW = W - left - right, plotH = H - top - bottom;
            let maxValue = 0;
            series.forEach(function (s) { s.values.forEach(function (v) { if (v > maxValue) maxValue = v; }); });
            const max = niceMax(maxValue);
            const x = function (i) { return labels.length === 1 ? left + plotW / 2 : left + i * plotW / (labels.length - 1); };
            const y = function (v) { return top + plotH - v / max * plotH; };
            const svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'line-chart' });
            for (let t = 0; t <= 4; t++) {
              const value = max * t / 4;
              svg.append(sv('line', { class: t === 0 ? 'axis' : 'grid-line', x1: left, x2: W - right, y1: y(value), y2: y(value) }));
              svg.append(sv('text', { x: left - 8, y: y(value) + 4, 'text-anchor': 'end', text: num(Math.round(value)) }));
            }
            const step = Math.max(1, Math.ceil(labels.length / 8));
            labels.forEach(function (label, i) {
              if (i % step !== 0 && i !== labels.length - 1) return;
              if (i === labels.length - 1 && i % step !== 0 && (labels.length - 1) % step < step / 2) return;
              svg.append(sv('text', { x: x(i), y: H - bottom + 18, 'text-anchor': 'middle', text: label }));
            });
            // A light area under the first series (the total) makes the trend readable at a glance.
            if (series.length > 0 && labels.length > 1) {
              const first = series[0];
              const area = first.values.map(function (v, i) { return (i === 0 ? 'M' : 'L') + x(i).toFixed(1) + ' ' + y(v).toFixed(1); }).join(' ') +
                ' L' + x(labels.length - 1).toFixed(1) + ' ' + y(0) + ' L' + x(0).toFixed(1) + ' ' + y(0) + ' Z';
              svg.append(sv('path', { d: area, fill: first.color, 'fill-opacity': 0.08, stroke: 'none' }));
            }
            series.forEach(function (s) {
              const d = s.values.map(function (v, i) { return (i === 0 ? 'M' : 'L') + x(i).toFixed(1) + ' ' + y(v).toFixed(1); }).join(' ');
              svg.append(sv('path', { d: d, fill: 'none', stroke: s.color, 'stroke-width': s.width || 2, 'stroke-linejoin': 'round', 'stroke-linecap': 'round', class: 'series' }));
              if (labels.length <= 40) {
                s.values.forEach(function (v, i) { svg.append(sv('circle', { class: 'dot', cx: x(i), cy: y(v), r: 3.5, fill: s.color })); });
              }
            });
            // Hover strips: one tooltip per x position, whatever the number of points.
            const strip = labels.length === 1 ? plotW : plotW / (labels.length - 1);
            labels.forEach(function (label, i) {
              svg.append(sv('rect', { x: x(i) - strip / 2, y: top, width: strip, height: plotH, fill: 'transparent' }, [sv('title', { text: tips(i) })]));
            });
            container.append(svg, legend(series));
          }

          // rows: [{label, sub, counts, onclick}]
          function barChart(container, rows, emptyText) {
            if (rows.length === 0) { emptyChart(container, emptyText); return; }
            const W = 640, rowH = 30, labelW = 200, valueW = 60, barX = labelW + 8;
            const barW = W - barX - valueW;
            const H = rows.length * rowH + 4;
            const max = Math.max.apply(null, rows.map(function (r) { return r.counts.total; }).concat([1]));
            const svg = sv('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', class: 'bar-chart' });
            rows.forEach(function (row, i) {
              const y0 = i * rowH + 2;
              const g = sv('g', { class: 'bar-row' + (row.onclick ? ' bar' : ''), onclick: row.onclick });
              g.append(sv('rect', { class: 'bar-bg', x: 0, y: y0, width: W, height: rowH }));
              g.append(sv('text', { x: 0, y: y0 + rowH / 2 + 4 }, [
                sv('tspan', { text: row.label }),
                row.sub ? sv('tspan', { dx: 6, 'font-size': 10, fill: '#98a2b3', text: row.sub }) : null]));
              let offset = barX;
              SEVERITIES.forEach(function (severity) {
                const width = row.counts[severity] / max * barW;
                if (width <= 0) return;
                g.append(sv('rect', { x: offset.toFixed(1), y: y0 + 7, width: Math.max(width, 1.5).toFixed(1), height: rowH - 14, rx: 2, fill: COLOR[severity] }));
                offset += width;
              });
              g.append(sv('text', { x: offset + 6, y: y0 + rowH / 2 + 4, class: 'value-label', text: num(row.counts.total) }));
              const tip = row.label + (row.sub ? ' ' + row.sub : '') + '\n' + SEVERITIES.map(function (s) { return SEV_LABEL[s] + ': ' + num(row.counts[s]); }).join('\n') +
                (hasChange ? '\n新增 New: ' + num(row.new) : '');
              g.append(sv('title', { text: tip }));
              svg.append(g);
            });
            container.append(svg, legend(SEVERITIES.map(function (s) { return { name: SEV_LABEL[s], color: COLOR[s] }; })));
          }

          function renderCharts() {
            const scans = document.getElementById('chart-scans');
            if (D.scans.length < 2) {
              // One report has no trend: the by-day chart takes the whole row (the note under the cards says why).
              const panel = scans.closest('.panel');
              panel.parentNode.classList.remove('two');
              panel.hidden = true;
            } else lineChart(scans, D.scans.map(function (s) { return shortTime(s.as_of); }), [
              { name: '问题总数 Findings', color: COLOR.total, values: D.scans.map(function (s) { return s.findings.total; }), width: 2.5 },
              { name: SEV_LABEL.error, color: COLOR.error, values: D.scans.map(function (s) { return s.findings.error; }) },
              { name: SEV_LABEL.warning, color: COLOR.warning, values: D.scans.map(function (s) { return s.findings.warning; }) },
              { name: SEV_LABEL.info, color: COLOR.info, values: D.scans.map(function (s) { return s.findings.info; }) },
            ], function (i) {
              const s = D.scans[i];
              return s.as_of + '\n' + s.path + '\n问题 Findings: ' + num(s.findings.total) + '\n' +
                SEVERITIES.map(function (k) { return SEV_LABEL[k] + ': ' + num(s.findings[k]); }).join('\n') +
                (s.new != null ? '\n新增 New: ' + num(s.new) + '\n已解决 Resolved: ' + num(s.resolved) : '');
            });

            const days = D.days.filter(function (d) { return d.key != null; });
            const daysBox = document.getElementById('chart-days');
            if (days.length === 0) emptyChart(daysBox, '没有带日期的问题 · no findings with a day');
            else lineChart(daysBox, days.map(function (d) { return d.key.slice(5); }), [
              { name: '问题 Findings', color: COLOR.total, values: days.map(function (d) { return d.counts.total; }), width: 2.5 },
              { name: SEV_LABEL.error, color: COLOR.error, values: days.map(function (d) { return d.counts.error; }) },
            ], function (i) {
              const d = days[i];
              return d.key + '\n问题 Findings: ' + num(d.counts.total) + '\n' + SEVERITIES.map(function (k) { return SEV_LABEL[k] + ': ' + num(d.counts[k]); }).join('\n');
            });

            barChart(document.getElementById('chart-categories'), D.categories.map(function (g) {
              return { label: categoryZh(g.key), sub: g.key, counts: g.counts, new: g.new, onclick: function () { focusFindings({ category: g.key }); } };
            }), '没有问题 · no findings');
            barChart(document.getElementById('chart-tiers'), D.tiers.map(function (g) {
              return { label: g.key == null ? NO_TIER : g.key + ' 类', sub: g.key == null ? 'no tier' : 'tier ' + g.key, counts: g.counts, new: g.new,
                onclick: function () { focusFindings({ tier: g.key == null ? null : g.key }); } };
            }), '没有问题 · no findings');
          }

          // ---- sortable tables ----
          // columns: [{zh, en, num, value(row), cell(row) -> td}]
          function sortableTable(table, columns, rows, sortIndex, descending) {
            const state = { index: sortIndex, descending: descending };
            const headRow = el('tr');
            const heads = columns.map(function (column, i) {
              const th = el('th', { class: column.num ? 'num' : null, scope: 'col', onclick: function () {
                state.descending = state.index === i ? !state.descending : !!column.num;
                state.index = i;
                draw();
              } }, [column.zh, el('span', { class: 'en', text: column.en })]);
              headRow.append(th);
              return th;
            });
            const tbody = el('tbody');
            table.replaceChildren(el('thead', null, [headRow]), tbody);
            function draw() {
              const column = columns[state.index];
              const sorted = rows.slice().sort(function (a, b) {
                const va = column.value(a), vb = column.value(b);
                let order = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb), 'zh-CN');
                if (state.descending) order = -order;
                return order;
              });
              heads.forEach(function (th, i) { if (i === state.index) th.setAttribute('aria-sort', state.descending ? 'descending' : 'ascending'); else th.removeAttribute('aria-sort'); });
              tbody.replaceChildren.apply(tbody, sorted.map(function (row) {
                return el('tr', null, columns.map(function (c) { return c.cell(row); }));
              }));
              if (sorted.length === 0) tbody.append(el('tr', null, [el('td', { colspan: columns.length, class: 'muted', text: '没有数据 · nothing to show' })]));
            }
            draw();
          }

          function miniBar(counts, max) {
            return el('span', { class: 'mini', title: SEVERITIES.map(function (s) { return SEV_LABEL[s] + ' ' + counts[s]; }).join(' · ') },
              SEVERITIES.map(function (s) { return el('span', { style: 'width:' + (counts[s] / Math.max(max, 1) * 100).toFixed(1) + '%;background:' + COLOR[s] }); }));
          }
          function numberColumn(zh, en, get) {
            return { zh: zh, en: en, num: true, value: get, cell: function (row) { return cellNum(get(row)); } };
          }
          function linkCell(text, onclick, cls) { return el('td', null, [el('button', { type: 'button', class: 'link' + (cls ? ' ' + cls : ''), text: text, onclick: onclick })]); }

          function renderReps() {
            const max = Math.max.apply(null, D.reps.map(function (r) { return r.counts.total; }).concat([1]));
            const columns = [
              { zh: '销售', en: 'Rep', value: function (r) { return r.rep == null ? '\uffff' : r.rep; },
                cell: function (r) { return linkCell(r.rep == null ? NO_REP : r.rep, function () { focusFindings({ rep: r.rep }); }); } },
              { zh: '问题', en: 'Findings', num: true, value: function (r) { return r.counts.total; },
                cell: function (r) { return el('td', { class: 'num' }, [miniBar(r.counts, max), num(r.counts.total)]); } },
              numberColumn('严重', 'Errors', function (r) { return r.counts.error; }),
              numberColumn('警告', 'Warnings', function (r) { return r.counts.warning; }),
              numberColumn('提示', 'Info', function (r) { return r.counts.info; }),
            ];
            if (hasChange) {
              columns.push(numberColumn('新增', 'New', function (r) { return r.new; }));
              columns.push(numberColumn('已解决', 'Resolved', function (r) { return r.resolved; }));
            }
            columns.push(numberColumn('涉及客户', 'Customers', function (r) { return r.customers; }));
            columns.push({ zh: '主要类别', en: 'Top category', value: function (r) { return r.top_category || ''; },
              cell: function (r) { return el('td', null, r.top_category ? [el('span', { class: 'tag', title: r.top_category, text: categoryZh(r.top_category) })] : []); } });
            sortableTable(document.getElementById('reps'), columns, D.reps, 2, true);
          }

          function renderCustomers() {
            const columns = [
              { zh: '客户', en: 'Customer', value: function (c) { return c.customer_id; },
                cell: function (c) { return linkCell(c.customer_id, function () { focusFindings({ text: c.customer_id }); }, 'mono'); } },
              { zh: '分级', en: 'Tier', value: function (c) { return c.tier || ''; }, cell: function (c) { return el('td', { text: c.tier || '—' }); } },
              numberColumn('问题', 'Open', function (c) { return c.counts.total; }),
              numberColumn('严重', 'Errors', function (c) { return c.counts.error; }),
            ];
            if (hasChange) columns.push(numberColumn('新增', 'New', function (c) { return c.new; }));
            columns.push({ zh: '销售', en: 'Reps', value: function (c) { return c.reps.join(' '); }, cell: function (c) { return el('td', { text: c.reps.join('、') || '—' }); } });
            columns.push({ zh: '类别', en: 'Categories', value: function (c) { return c.categories.join(' '); },
              cell: function (c) { return el('td', null, c.categories.slice(0, 3).map(function (k) { return el('span', { class: 'tag', title: k, text: categoryZh(k) }); })); } });
            sortableTable(document.getElementById('customers'), columns, D.top_customers, 2, true);
          }

          function renderRules() {
            const rules = D.rules.filter(function (r) { return r.counts.total > 0; });
            const columns = [
              { zh: '规则', en: 'Rule', value: function (r) { return r.id; }, cell: function (r) {
                return el('td', null, [el('button', { type: 'button', class: 'link mono', text: r.id, title: r.description || r.message, onclick: function () { focusFindings({ text: r.id }); } }),
                  el('div', { class: 'muted', text: r.message })]);
              } },
              { zh: '类别', en: 'Category', value: function (r) { return r.category; }, cell: function (r) { return el('td', null, [el('span', { class: 'tag', title: r.category, text: categoryZh(r.category) })]); } },
              { zh: '级别', en: 'Severity', value: function (r) { return SEV_RANK[r.severity] || 0; }, cell: function (r) { return el('td', null, [sevBadge(r.severity)]); } },
              numberColumn('问题', 'Findings', function (r) { return r.counts.total; }),
            ];
            if (hasChange) columns.push(numberColumn('新增', 'New', function (r) { return r.new; }));
            sortableTable(document.getElementById('rules'), columns, rules, 3, true);
          }

          function renderInputs() {
            const table = document.getElementById('inputs');
            table.append(el('thead', null, [el('tr', null, [['文件', 'File'], ['数据集', 'Dataset'], ['读取', 'Read'], ['扫描', 'Scanned'], ['无法读取', 'Rejected']].map(function (h, i) {
              return el('th', { class: i > 1 ? 'num' : null }, [h[0], el('span', { class: 'en', text: h[1] })]);
            }))]));
            table.append(el('tbody', null, D.inputs.map(function (input) {
              return el('tr', null, [el('td', { class: 'mono', text: input.path }), el('td', { text: input.dataset || '—' }),
                cellNum(input.records_read), cellNum(input.records_scanned), cellNum(input.records_rejected)]);
            })));
          }

          // ---- findings table: filter, sort, page ----
          const PAGE_SIZE = 50;
          const view = { rows: [], page: 0, sort: 'severity', descending: true, open: new Set() };
          const filterInputs = {
            category: document.getElementById('f-category'), severity: document.getElementById('f-severity'), rep: document.getElementById('f-rep'),
            tier: document.getElementById('f-tier'), status: document.getElementById('f-status'), text: document.getElementById('f-text'),
          };
          const ALL = 'all', NONE = 'none';
          // Option value → string id; NONE matches rows without a value.
          const optionIds = {};

          function fillSelect(name, column, label, sortBy) {
            const counts = new Map();
            for (let i = 0; i < T.count; i++) counts.set(column[i], (counts.get(column[i]) || 0) + 1);
            const ids = Array.from(counts.keys()).sort(sortBy || function (a, b) {
              if (a < 0 || b < 0) return b - a;
              return S[a].localeCompare(S[b], 'zh-CN');
            });
            const select = filterInputs[name];
            const keys = new Map();
            select.append(el('option', { value: ALL, text: '全部 All' }));
            ids.forEach(function (id) {
              const value = id < 0 ? NONE : String(id);
              keys.set(id < 0 ? null : S[id], value);
              select.append(el('option', { value: value, text: label(id) + ' (' + num(counts.get(id)) + ')' }));
            });
            optionIds[name] = keys;
          }

          function setupFilters() {
            fillSelect('category', T.category, function (id) { return categoryZh(S[id]) + ' ' + S[id]; });
            fillSelect('severity', T.severity, function (id) { return SEV_LABEL[S[id]] || S[id]; }, function (a, b) { return (SEV_RANK[S[b]] || 0) - (SEV_RANK[S[a]] || 0); });
            fillSelect('rep', T.rep, function (id) { return id < 0 ? NO_REP : S[id]; });
            fillSelect('tier', T.tier, function (id) { return id < 0 ? NO_TIER : S[id]; });
            const status = filterInputs.status;
            if (hasChange) {
              [['current', '当前（新增+未解决）Current'], ['new', STATUS_LABEL.new], ['open', '仍未解决 Still open'], ['resolved', STATUS_LABEL.resolved], [ALL, '全部 All']]
                .forEach(function (o) { status.append(el('option', { value: o[0], text: o[1] })); });
            } else {
              document.getElementById('f-status-label').hidden = true;
              status.append(el('option', { value: ALL, text: '全部 All' }));
            }
            ['category', 'severity', 'rep', 'tier', 'status'].forEach(function (name) { filterInputs[name].addEventListener('change', applyFilters); });
            let timer = 0;
            filterInputs.text.addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(applyFilters, 150); });
            document.getElementById('filters').addEventListener('submit', function (event) { event.preventDefault(); applyFilters(); });
            document.getElementById('f-reset').addEventListener('click', function () { resetFilters(); applyFilters(); });
            resetFilters();
          }

          function resetFilters() {
            ['category', 'severity', 'rep', 'tier'].forEach(function (name) { filterInputs[name].value = ALL; });
            filterInputs.status.value = hasChange ? 'current' : ALL;
            filterInputs.text.value = '';
          }

          // Called from charts and tables: show the findings of one category, rep, tier or text.
          function focusFindings(filter) {
            resetFilters();
            Object.keys(filter).forEach(function (name) {
              if (name === 'text') { filterInputs.text.value = filter.text; return; }
              const value = optionIds[name] && optionIds[name].get(filter[name]);
              if (value) filterInputs[name].value = value;
            });
            applyFilters();
            document.getElementById('findings-panel').scrollIntoView({ behavior: 'smooth', block: 'start' });
          }

          function selected(name) {
            const value = filterInputs[name].value;
            if (value === ALL) return null;
            return value === NONE ? -1 : Number(value);
          }

          let haystack = null;
          function searchText(i) {
            if (haystack === null) haystack = new Array(T.count);
            let text = haystack[i];
            if (text === undefined) {
              const ids = [T.rule[i], T.message[i], T.excerpt[i], T.customer[i], T.record[i], T.file[i], T.rep[i], T.field[i], T.category[i]];
              text = ids.map(function (id) { return id >= 0 ? S[id] : ''; }).join('\n').toLowerCase();
              haystack[i] = text;
            }
            return text;
          }

          function statusId(name) { const index = S.indexOf(name); return index; }
          const RESOLVED = statusId('resolved'), NEW = statusId('new'), OPEN = statusId('open');

          function applyFilters() {
            const category = selected('category'), severity = selected('severity'), rep = selected('rep'), tier = selected('tier');
            const status = filterInputs.status.value;
            const text = filterInputs.text.value.trim().toLowerCase();
            const rows = [];
            for (let i = 0; i < T.count; i++) {
              if (category !== null && T.category[i] !== category) continue;
              if (severity !== null && T.severity[i] !== severity) continue;
              if (rep !== null && T.rep[i] !== rep) continue;
              if (tier !== null && T.tier[i] !== tier) continue;
              const st = T.status[i];
              if (status === 'current' && st === RESOLVED) continue;
              if (status === 'new' && st !== NEW) continue;
              if (status === 'open' && st !== OPEN) continue;
              if (status === 'resolved' && st !== RESOLVED) continue;
              if (text && searchText(i).indexOf(text) < 0) continue;
              rows.push(i);
            }
            view.rows = rows;
            view.page = 0;
            view.open.clear();
            sortRows();
            drawFindings();
          }

          // Ranks of the string ids of one column, by collation; computed once per column.
          const rankCache = {};
          function ranks(name) {
            if (rankCache[name]) return rankCache[name];
            const column = T[name];
            const ids = Array.from(new Set(column)).sort(function (a, b) {
              if (a < 0 || b < 0) return b - a;
              return S[a].localeCompare(S[b], 'zh-CN');
            });
            const rank = new Map();
            ids.forEach(function (id, i) { rank.set(id, i); });
            const out = new Int32Array(T.count);
            for (let i = 0; i < T.count; i++) out[i] = rank.get(column[i]);
            rankCache[name] = out;
            return out;
          }
          function severityKeys() {
            if (rankCache.sevRank) return rankCache.sevRank;
            const out = new Int32Array(T.count);
            for (let i = 0; i < T.count; i++) out[i] = SEV_RANK[S[T.severity[i]]] || 0;
            rankCache.sevRank = out;
            return out;
          }

          function sortRows() {
            const file = ranks('file'), line = T.line;
            const sev = severityKeys();
            const location = function (a, b) { return (file[a] - file[b]) || (line[a] - line[b]) || (a - b); };
            let primary;
            if (view.sort === 'severity') primary = sev;
            else if (view.sort === 'location') primary = null;
            else primary = ranks(view.sort);
            const dir = view.descending ? -1 : 1;
            view.rows.sort(function (a, b) {
              if (primary) { const d = primary[a] - primary[b]; if (d !== 0) return dir * d; }
              else { return dir * location(a, b); }
              if (view.sort !== 'severity') { const s = sev[b] - sev[a]; if (s !== 0) return s; }
              // Within a severity, new findings first: what changed since last night.
              const n = (T.status[a] === NEW ? 0 : 1) - (T.status[b] === NEW ? 0 : 1);
              if (n !== 0) return n;
              return location(a, b);
            });
          }

          const findingColumns = [
            { key: 'severity', zh: '级别', en: 'Severity' },
            { key: 'status', zh: '状态', en: 'Status', change: true },
            { key: 'rule', zh: '问题', en: 'Finding' },
            { key: 'category', zh: '类别', en: 'Category' },
            { key: 'rep', zh: '销售', en: 'Rep' },
            { key: 'customer', zh: '客户', en: 'Customer' },
            { key: 'day', zh: '日期', en: 'Day' },
            { key: 'location', zh: '位置', en: 'Location' },
          ].filter(function (c) { return !c.change || hasChange; });

          function drawFindingsHead() {
            const row = el('tr', null, findingColumns.map(function (column) {
              return el('th', { class: 'sort', scope: 'col', 'data-key': column.key, onclick: function () {
                view.descending = view.sort === column.key ? !view.descending : column.key === 'severity';
                view.sort = column.key;
                sortRows();
                view.page = 0;
                drawFindings();
              } }, [column.zh, el('span', { class: 'en', text: column.en })]);
            }));
            document.getElementById('findings').replaceChildren(el('thead', null, [row]), el('tbody'));
          }

          function findingRow(i) {
            const severity = S[T.severity[i]];
            const status = S[T.status[i]];
            const excerpt = str(T.excerpt[i]);
            const cells = [el('td', null, [sevBadge(severity)])];
            if (hasChange) cells.push(el('td', null, [el('span', { class: 'status ' + status, text: STATUS_LABEL[status] || status })]));
            cells.push(el('td', { class: 'msg' }, [el('div', { text: S[T.message[i]] }), excerpt !== null ? el('div', { class: 'excerpt', text: '“' + excerpt + '”' }) : null]));
            cells.push(el('td', null, [el('span', { class: 'tag', title: S[T.category[i]], text: categoryZh(S[T.category[i]]) })]));
            cells.push(el('td', { text: str(T.rep[i]) || NO_REP }));
            const tier = str(T.tier[i]);
            cells.push(el('td', { class: 'nowrap' }, [el('span', { class: 'mono', text: str(T.customer[i]) || '—' }), tier ? ' ' : null, tier ? el('span', { class: 'tag', text: tier }) : null]));
            cells.push(el('td', { class: 'mono', text: str(T.day[i]) || '—' }));
            cells.push(el('td', { class: 'mono muted', text: S[T.file[i]] + ':' + T.line[i] }));
            return el('tr', { class: 'row' + (view.open.has(i) ? ' open-row' : ''), 'aria-expanded': view.open.has(i) ? 'true' : 'false', onclick: function () {
              if (view.open.has(i)) view.open.delete(i); else view.open.add(i);
              drawFindings();
            } }, cells);
          }

          function detailRow(i) {
            const rule = RULES.get(S[T.rule[i]]);
            const items = [
              ['规则', 'Rule', S[T.rule[i]] + (rule && rule.policy ? '（政策 policy ' + rule.policy + '）' : '')],
              ['说明', 'Explanation', rule ? (rule.description || rule.message) : S[T.message[i]]],
              ['摘录（已脱敏）', 'Excerpt, redacted', str(T.excerpt[i])],
              ['字段', 'Field', str(T.field[i]) !== null ? str(T.field[i]) + (T.column[i] >= 0 ? '，第 ' + T.column[i] + ' 个字符 column ' + T.column[i] : '') : null],
              ['记录', 'Record', str(T.record[i])],
              ['文件', 'File', S[T.file[i]] + ':' + T.line[i]],
            ];
            const list = el('dl');
            items.forEach(function (item) {
              if (item[2] === null || item[2] === undefined || item[2] === '') return;
              list.append(el('dt', null, [item[0] + ' ', el('span', { class: 'en', text: item[1] })]), el('dd', { text: item[2] }));
            });
            return el('tr', { class: 'detail' }, [el('td', { colspan: findingColumns.length }, [el('div', { class: 'detail' }, [list])])]);
          }

          function drawFindings() {
            const table = document.getElementById('findings');
            const tbody = table.tBodies[0];
            const pages = Math.max(1, Math.ceil(view.rows.length / PAGE_SIZE));
            if (view.page >= pages) view.page = pages - 1;
            const start = view.page * PAGE_SIZE;
            const slice = view.rows.slice(start, start + PAGE_SIZE);
            const rows = [];
            slice.forEach(function (i) { rows.push(findingRow(i)); if (view.open.has(i)) rows.push(detailRow(i)); });
            if (rows.length === 0) rows.push(el('tr', null, [el('td', { colspan: findingColumns.length, class: 'muted', text: '没有符合条件的问题 · no findings match' })]));
            tbody.replaceChildren.apply(tbody, rows);
            table.querySelectorAll('th').forEach(function (th) {
              if (th.getAttribute('data-key') === view.sort) th.setAttribute('aria-sort', view.descending ? 'descending' : 'ascending'); else th.removeAttribute('aria-sort');
            });
            const shown = view.rows.length === 0 ? '0' : num(start + 1) + '–' + num(start + slice.length);
            document.getElementById('f-count').textContent = '显示 ' + shown + '，共 ' + num(view.rows.length) + ' 条（总计 ' + num(T.count) + '）· showing ' + shown + ' of ' + num(view.rows.length) + ' matching';
            const pager = document.getElementById('pager');
            const go = function (page) { return function () { view.page = page; drawFindings(); }; };
            pager.replaceChildren(
              el('button', { type: 'button', disabled: view.page === 0, onclick: go(0), title: '第一页 first', text: '«' }),
              el('button', { type: 'button', disabled: view.page === 0, onclick: go(view.page - 1), text: '‹ 上一页' }),
              el('span', { text: '第 ' + num(view.page + 1) + ' / ' + num(pages) + ' 页' }),
              el('button', { type: 'button', disabled: view.page >= pages - 1, onclick: go(view.page + 1), text: '下一页 ›' }),
              el('button', { type: 'button', disabled: view.page >= pages - 1, onclick: go(pages - 1), title: '最后一页 last', text: '»' }));
          }

          renderHeader();
          renderCards();
          renderCharts();
          renderReps();
          renderCustomers();
          renderRules();
          renderInputs();
          setupFilters();
          drawFindingsHead();
          applyFilters();
          root.setAttribute('data-ready', String(Math.round(performance.now())));
        })();
        """#
}
