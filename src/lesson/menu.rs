//! The lesson menu's state: a library's lessons in listing order (each
//! loaded, or broken with its error), the one highlighted, and what a key
//! asks of it. Pure once built: [`Menu::load`] reads the library, then
//! [`Menu::on`] takes intents and says when the menu is done; drawing
//! (`crate::ui::menu`) reads it, the loop (`crate::tui::choose_lesson`)
//! feeds it.

use super::{LessonError, Library};
use crate::stream::lesson::Lesson;

/// One line of the menu: a lesson by name, loaded or broken.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub name: String,
    /// The lesson, or why it cannot be opened (`file:line:col: message`).
    pub lesson: Result<Lesson, LessonError>,
}

/// What a key or a click asks of the menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MenuIntent {
    /// The lesson above (from the first, the last).
    Up,
    /// The lesson below (from the last, the first).
    Down,
    First,
    Last,
    /// The lesson at this index (a digit, a click); past the end, nothing.
    Select(usize),
    /// Open the highlighted lesson.
    Open,
    /// Leave without running anything.
    Quit,
}

/// How the menu ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Choice {
    /// Run this lesson.
    Open(Box<Lesson>),
    /// Run nothing.
    Quit,
}

/// The lessons and the highlighted one.
#[derive(Debug, Clone, PartialEq)]
pub struct Menu {
    /// Where the lessons come from (the menu's title names a folder).
    pub library: Library,
    pub entries: Vec<Entry>,
    /// The highlighted entry (0 when there is none).
    pub selected: usize,
    /// Enter was pressed on a broken lesson: said until the highlight moves.
    pub refused: bool,
}

impl Menu {
    /// A menu of `entries`, the first highlighted.
    pub fn new(library: Library, entries: Vec<Entry>) -> Menu {
        Menu {
            library,
            entries,
            selected: 0,
            refused: false,
        }
    }

    /// Every lesson of `library`, in [`Library::names`] order, a broken
    /// one kept with its error; the error is the library's own when its
    /// folder cannot be read.
    pub fn load(library: &Library) -> Result<Menu, LessonError> {
        let entries = library
            .names()?
            .into_iter()
            .filter_map(|name| {
                let lesson = match library.find(&name) {
                    Ok(Some(c)) => Ok(c.lesson),
                    Ok(None) => return None,
                    Err(e) => Err(e),
                };
                Some(Entry { name, lesson })
            })
            .collect();
        Ok(Menu::new(library.clone(), entries))
    }

    /// The highlighted entry (none in an empty menu).
    pub fn current(&self) -> Option<&Entry> {
        self.entries.get(self.selected)
    }

    /// Applies one intent; `Some` when the menu is done. Moving wraps
    /// round; a broken lesson cannot be opened (the menu says so instead).
    pub fn on(&mut self, intent: MenuIntent) -> Option<Choice> {
        let n = self.entries.len();
        let before = self.selected;
        match intent {
            MenuIntent::Quit => return Some(Choice::Quit),
            MenuIntent::Open => {
                return match self.current().map(|e| &e.lesson) {
                    Some(Ok(lesson)) => Some(Choice::Open(Box::new(lesson.clone()))),
                    Some(Err(_)) => {
                        self.refused = true;
                        None
                    }
                    None => None,
                };
            }
            _ if n == 0 => {}
            MenuIntent::Up => self.selected = (self.selected + n - 1) % n,
            MenuIntent::Down => self.selected = (self.selected + 1) % n,
            MenuIntent::First => self.selected = 0,
            MenuIntent::Last => self.selected = n - 1,
            MenuIntent::Select(i) if i < n => self.selected = i,
            MenuIntent::Select(_) => {}
        }
        if self.selected != before {
            self.refused = false;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::BUILTIN;

    fn built_in() -> Menu {
        Menu::load(&Library::BuiltIn).expect("the built-in lessons load")
    }

    fn broken(name: &str) -> Entry {
        Entry {
            name: name.to_string(),
            lesson: Err(LessonError {
                file: format!("my/{name}.toml"),
                at: Some((8, 1)),
                message: "unknown variant `writr`".to_string(),
            }),
        }
    }

    fn opened(c: Option<Choice>) -> String {
        match c {
            Some(Choice::Open(l)) => l.name,
            other => panic!("expected a lesson to open, got {other:?}"),
        }
    }

    #[test]
    fn the_built_in_menu_lists_every_lesson_in_teaching_order_first_highlighted() {
        let m = built_in();
        let names: Vec<&str> = m.entries.iter().map(|e| e.name.as_str()).collect();
        let order: Vec<&str> = BUILTIN.iter().map(|b| b.name).collect();
        assert_eq!(names, order);
        assert!(m.entries.iter().all(|e| e.lesson.is_ok()));
        assert_eq!((m.selected, m.refused), (0, false));
        assert_eq!(m.current().unwrap().name, "queue");
    }

    #[test]
    fn down_and_up_move_and_wrap_round_the_ends() {
        let mut m = built_in();
        let n = m.entries.len();
        assert_eq!(m.on(MenuIntent::Down), None);
        assert_eq!(m.selected, 1);
        m.on(MenuIntent::Up);
        m.on(MenuIntent::Up);
        assert_eq!(m.selected, n - 1, "up from the first is the last");
        m.on(MenuIntent::Down);
        assert_eq!(m.selected, 0, "down from the last is the first");
    }

    #[test]
    fn first_last_and_select_jump_and_select_past_the_end_does_nothing() {
        let mut m = built_in();
        let n = m.entries.len();
        m.on(MenuIntent::Last);
        assert_eq!(m.selected, n - 1);
        m.on(MenuIntent::First);
        assert_eq!(m.selected, 0);
        m.on(MenuIntent::Select(3));
        assert_eq!(m.selected, 3);
        assert_eq!(m.on(MenuIntent::Select(n)), None);
        assert_eq!(m.selected, 3);
    }

    #[test]
    fn open_chooses_the_highlighted_lesson_and_quit_chooses_nothing() {
        let mut m = built_in();
        m.on(MenuIntent::Down);
        assert_eq!(opened(m.on(MenuIntent::Open)), "maxsize");
        assert_eq!(m.on(MenuIntent::Quit), Some(Choice::Quit));
    }

    #[test]
    fn a_broken_lesson_cannot_be_opened_and_the_others_still_can() {
        let good = built_in().entries.remove(0);
        let mut m = Menu::new(
            Library::Dir("my".into()),
            vec![broken("broken"), good.clone()],
        );
        assert_eq!(m.on(MenuIntent::Open), None);
        assert!(m.refused, "the menu says why nothing opened");
        m.on(MenuIntent::Down);
        assert!(!m.refused, "moving clears it");
        assert_eq!(opened(m.on(MenuIntent::Open)), good.name);
        // Selecting the highlighted one again keeps the refusal shown.
        m.on(MenuIntent::First);
        m.on(MenuIntent::Open);
        m.on(MenuIntent::Select(0));
        assert!(m.refused);
    }

    #[test]
    fn an_empty_menu_moves_nowhere_opens_nothing_and_quits() {
        let mut m = Menu::new(Library::Dir("empty".into()), Vec::new());
        for i in [
            MenuIntent::Up,
            MenuIntent::Down,
            MenuIntent::First,
            MenuIntent::Last,
            MenuIntent::Select(0),
            MenuIntent::Open,
        ] {
            assert_eq!(m.on(i), None, "{i:?}");
            assert_eq!((m.selected, m.refused), (0, false), "{i:?}");
        }
        assert!(m.current().is_none());
        assert_eq!(m.on(MenuIntent::Quit), Some(Choice::Quit));
    }

    #[test]
    fn a_folder_with_a_broken_lesson_loads_it_as_broken_with_file_line_column() {
        let dir = std::env::temp_dir().join(format!("ipcscope-menu-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let b = &BUILTIN[0];
        std::fs::write(dir.join(b.program.0), b.program.1).unwrap();
        std::fs::write(dir.join("a_good.toml"), b.toml).unwrap();
        std::fs::write(
            dir.join("b_broken.toml"),
            b.toml.replace("[lines]", "[lines]\nwritr = { put = 1 }"),
        )
        .unwrap();
        let m = Menu::load(&Library::Dir(dir.clone()));
        let _ = std::fs::remove_dir_all(&dir);
        let m = m.expect("the folder reads");
        assert_eq!(m.entries.len(), 2);
        assert!(m.entries[0].lesson.is_ok());
        let e = m.entries[1].lesson.as_ref().unwrap_err().to_string();
        let line = b.toml.lines().position(|l| l == "[lines]").unwrap() + 2;
        assert!(
            e.starts_with(&format!(
                "{}:{line}:1: ",
                dir.join("b_broken.toml").display()
            )),
            "{e}"
        );
        assert!(e.contains("writr"), "{e}");
        // A folder that cannot be read is the library's error.
        let gone = Library::Dir(dir.join("none"));
        assert!(Menu::load(&gone).is_err());
    }
}
