// SPDX-License-Identifier: Apache-2.0
// The route table: a page is one module (path, title, roles, render) and
// one entry here.  `nav` puts it in the header for the roles that may see
// it; any other role gets the "not found" page.
import audit from './audit.js';
import actions from './actions.js';
import agenda from './agenda.js';
import calendar from './calendar.js';
import conflicts from './conflicts.js';
import customer from './customer.js';
import data from './data.js';
import escalations from './escalations.js';
import initiatives from './initiatives.js';
import instance from './instance.js';
import journey from './journey.js';
import login from './login.js';
import overview from './overview.js';
import queue from './queue.js';
import teams from './teams.js';
import value from './value.js';

const pages = [overview, journey, instance, customer, conflicts, queue, escalations, agenda, actions, initiatives, calendar, teams, value, data, audit, login];

// '/journeys/:id' → /^\/journeys\/(?<id>[^/]+)$/
const compile = (path) => new RegExp(`^${path.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`);

export const routes = pages.flatMap((p) => [].concat(p.path).map((path, i) =>
	({ ...p, path, re: compile(path), nav: i === 0 ? p.nav : null })));
